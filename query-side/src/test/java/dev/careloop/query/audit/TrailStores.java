package dev.careloop.query.audit;

import dev.careloop.query.ReadModelDatabase;
import dev.careloop.query.replay.Column;
import dev.careloop.query.replay.Journal;
import dev.careloop.query.replay.RowTable;
import dev.careloop.query.replay.Rows;
import dev.careloop.query.replay.Stores;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The stores the audit projection writes through in a test, counting the backfills of its journal (each one a
 * round trip that a bulk rebuild must not make for ordinary events). {@link #live()} writes every call to the test
 * database as {@code JdbcStores} does; {@link #rebuilding()} keeps rows in memory as a bulk rebuild does (a find
 * answers the kept instance itself) until {@link #load()} writes them, while journal rows go to their table.
 */
final class TrailStores implements Stores {

    private final Stores database = ReadModelDatabase.stores();
    private final boolean rowsInMemory;
    private final Map<String, MemoryRows<?>> memory = new LinkedHashMap<>();
    private int backfills;

    private TrailStores(boolean rowsInMemory) {
        this.rowsInMemory = rowsInMemory;
    }

    static TrailStores live() {
        return new TrailStores(false);
    }

    static TrailStores rebuilding() {
        return new TrailStores(true);
    }

    /** How many times entries written without their patient were filled in (rewrites other than erasures'). */
    int backfills() {
        return backfills;
    }

    /** Writes the rows kept in memory to their tables (a rebuild's load). */
    void load() {
        memory.values().forEach(MemoryRows::load);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> Rows<R> rows(RowTable<R> table) {
        if (!rowsInMemory) {
            return database.rows(table);
        }
        return (Rows<R>) memory.computeIfAbsent(table.name(), name -> new MemoryRows<>(table, database.rows(table)));
    }

    @Override
    public <R> Journal<R> journal(RowTable<R> table) {
        Journal<R> journal = database.journal(table);
        return new Journal<>() {
            @Override
            public void add(R row) {
                journal.add(row);
            }

            @Override
            public int rewrite(String condition, List<Object> args, UnaryOperator<R> change) {
                if (condition.contains("patient_id IS NULL")) {
                    backfills++;
                }
                return journal.rewrite(condition, args, change);
            }

            @Override
            public void clear() {
                journal.clear();
            }
        };
    }

    private static final class MemoryRows<R> implements Rows<R> {
        private final RowTable<R> table;
        private final Rows<R> target;
        private final Map<List<Object>, R> rows = new LinkedHashMap<>();

        MemoryRows(RowTable<R> table, Rows<R> target) {
            this.table = table;
            this.target = target;
        }

        @Override
        public R find(Object... key) {
            return rows.get(List.of(key));
        }

        @Override
        public List<R> findAll(Column<R> column, Object value) {
            List<R> found = new ArrayList<>();
            for (R row : rows.values()) {
                if (Objects.equals(column.of(row), value)) {
                    found.add(row);
                }
            }
            return found;
        }

        @Override
        public void put(R row) {
            rows.put(table.keyOf(row), row);
        }

        @Override
        public void clear() {
            rows.clear();
        }

        void load() {
            rows.values().forEach(target::put);
        }
    }
}

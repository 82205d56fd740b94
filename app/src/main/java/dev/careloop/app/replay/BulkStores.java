package dev.careloop.app.replay;

import dev.careloop.query.replay.Column;
import dev.careloop.query.replay.JdbcStores;
import dev.careloop.query.replay.Journal;
import dev.careloop.query.replay.RowTable;
import dev.careloop.query.replay.Rows;
import dev.careloop.query.replay.Stores;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The {@link Stores} of a bulk rebuild, on one connection whose search path puts the shadow schema first. Kept
 * rows live in memory while the log is folded and are loaded with COPY at the end ({@link #finish}); journal rows
 * stream into their tables with COPY as they come, a few megabytes at a time. The rare rewrite of a journal
 * (an erasure) flushes its stream and runs the live SQL on the shadow table. Single-threaded, as the fold is.
 */
final class BulkStores implements Stores {

    private static final int FLUSH_CHARS = 4 << 20;

    private final Connection connection;
    private final JdbcStores sql;
    private final Map<RowTable<?>, KeptRows<?>> kept = new LinkedHashMap<>();
    private final Map<RowTable<?>, StreamedJournal<?>> journals = new LinkedHashMap<>();
    private long rowsWritten;

    BulkStores(Connection connection) {
        this.connection = connection;
        this.sql = new JdbcStores(new JdbcTemplate(new SingleConnectionDataSource(connection, true)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> Rows<R> rows(RowTable<R> table) {
        return (Rows<R>) kept.computeIfAbsent(table, t -> new KeptRows<>(table));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> Journal<R> journal(RowTable<R> table) {
        return (Journal<R>) journals.computeIfAbsent(table, t -> new StreamedJournal<>(table));
    }

    /** Writes everything still held: the journals' last rows, then every kept row. */
    long finish() {
        journals.values().forEach(StreamedJournal::flush);
        for (KeptRows<?> rows : kept.values()) {
            rows.write();
        }
        return rowsWritten;
    }

    private <R> void copy(RowTable<R> table, StringBuilder text, int rows) {
        if (rows == 0) {
            return;
        }
        try {
            connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn(CopyText.copyStatement(table), new StringReader(text.toString()));
            rowsWritten += rows;
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException("could not load " + table + ": " + e.getMessage(), e);
        }
    }

    /** A table's rows by key, with an index per column that {@code findAll} has been asked about. */
    private final class KeptRows<R> implements Rows<R> {
        private final RowTable<R> table;
        private final Map<List<Object>, R> rows = new HashMap<>();
        // Value -> keys of rows that had it when put; stale entries (a row changed since) are filtered on read.
        private final Map<Column<R>, Map<Object, Set<List<Object>>>> indexes = new HashMap<>();

        KeptRows(RowTable<R> table) {
            this.table = table;
        }

        @Override
        public R find(Object... key) {
            return rows.get(List.of(key));
        }

        @Override
        public List<R> findAll(Column<R> column, Object value) {
            Map<Object, Set<List<Object>>> index = indexes.computeIfAbsent(column, this::index);
            List<R> found = new ArrayList<>();
            for (List<Object> key : index.getOrDefault(value, Set.of())) {
                R row = rows.get(key);
                if (row != null && Objects.equals(column.of(row), value)) {
                    found.add(row);
                }
            }
            return found;
        }

        @Override
        public void put(R row) {
            List<Object> key = table.keyOf(row);
            rows.put(key, row);
            for (Map.Entry<Column<R>, Map<Object, Set<List<Object>>>> index : indexes.entrySet()) {
                index.getValue().computeIfAbsent(index.getKey().of(row), v -> new LinkedHashSet<>()).add(key);
            }
        }

        @Override
        public void clear() {
            rows.clear();
            indexes.clear();
        }

        private Map<Object, Set<List<Object>>> index(Column<R> column) {
            Map<Object, Set<List<Object>>> index = new HashMap<>();
            rows.forEach((key, row) -> index.computeIfAbsent(column.of(row), v -> new LinkedHashSet<>()).add(key));
            return index;
        }

        void write() {
            StringBuilder text = new StringBuilder();
            int pending = 0;
            for (R row : rows.values()) {
                CopyText.append(text, table, row);
                pending++;
                if (text.length() >= FLUSH_CHARS) {
                    copy(table, text, pending);
                    text.setLength(0);
                    pending = 0;
                }
            }
            copy(table, text, pending);
            rows.clear();
            indexes.clear();
        }
    }

    /** A journal's rows as COPY text, sent whenever a few megabytes have gathered. */
    private final class StreamedJournal<R> implements Journal<R> {
        private final RowTable<R> table;
        private final StringBuilder text = new StringBuilder();
        private int pending;

        StreamedJournal(RowTable<R> table) {
            this.table = table;
        }

        @Override
        public void add(R row) {
            CopyText.append(text, table, row);
            pending++;
            if (text.length() >= FLUSH_CHARS) {
                flush();
            }
        }

        @Override
        public int rewrite(String condition, List<Object> args, UnaryOperator<R> change) {
            flush();
            return sql.journal(table).rewrite(condition, args, change);
        }

        @Override
        public void clear() {
            text.setLength(0);
            pending = 0;
            sql.journal(table).clear();
        }

        void flush() {
            copy(table, text, pending);
            text.setLength(0);
            pending = 0;
        }
    }
}

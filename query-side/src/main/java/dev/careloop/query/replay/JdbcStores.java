package dev.careloop.query.replay;

import dev.careloop.plumbing.StableParameters;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The live {@link Stores}: each call one statement on the table of that name in the current search path (public,
 * or a rebuild's shadow schema while a rebuild catches up). Rows are upserted whole, keyed by the table's key.
 * Inside an event processor batch that holds its writes ({@link BatchedWrites}), rows are read once and written as
 * the batch commits.
 */
@Component
public class JdbcStores implements Stores {

    private final JdbcTemplate jdbc;

    public JdbcStores(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public <R> Rows<R> rows(RowTable<R> table) {
        return new JdbcTable<>(jdbc, table);
    }

    @Override
    public <R> Journal<R> journal(RowTable<R> table) {
        return new JdbcTable<>(jdbc, table);
    }

    /** A value of a row as a JDBC parameter, of a type that does not change with the value ({@link StableParameters}). */
    public static Object parameter(Object value) {
        if (value instanceof Instant instant) {
            return Timestamp.from(instant);
        }
        if (value instanceof LocalDate date) {
            return Date.valueOf(date);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toArray(String[]::new);
        }
        return StableParameters.of(value);
    }

    /** One table, written with SQL made once from its description. */
    public static final class JdbcTable<R> implements Rows<R>, Journal<R> {
        private final JdbcTemplate jdbc;
        private final RowTable<R> table;
        private final RowMapper<R> mapper;
        private final String select;
        private final String byKey;
        /** A table keyed by one column, read for many keys at once (a batch reading ahead); null otherwise. */
        private final String byKeys;
        private final String upsert;
        private final String insert;

        public JdbcTable(JdbcTemplate jdbc, RowTable<R> table) {
            this.jdbc = jdbc;
            this.table = table;
            RowTable.Reader<R> reader = table.reader();
            this.mapper = (rs, i) -> reader.read(rs);
            String columns = table.columns().stream().map(Column::name).collect(Collectors.joining(", "));
            String values = table.columns().stream().map(c -> "?" + c.type().cast).collect(Collectors.joining(", "));
            String key = table.key().stream().map(Column::name).collect(Collectors.joining(", "));
            String insertInto = "INSERT INTO " + table.name() + " (" + columns + ") VALUES (" + values + ")";
            String updates = table.columns().stream().filter(c -> !table.key().contains(c))
                    .map(c -> c.name() + " = EXCLUDED." + c.name()).collect(Collectors.joining(", "));
            this.select = "SELECT * FROM " + table.name() + " WHERE ";
            this.byKey = table.key().stream().map(c -> c.name() + " = ?").collect(Collectors.joining(" AND "));
            this.byKeys = table.key().size() == 1 ? table.key().get(0).name() + " = ANY(?)" : null;
            this.upsert = insertInto + " ON CONFLICT (" + key + ") DO "
                    + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + updates)
                    // Two writers (a command's transaction, the tracking processor): never back to an older row.
                    + (table.version() == null || updates.isEmpty() ? "" : " WHERE " + table.name() + "."
                    + table.version().name() + " <= EXCLUDED." + table.version().name());
            // Only the same row again is quietly kept; any other unique clash (two events at one position) fails.
            this.insert = insertInto + " ON CONFLICT (" + key + ") DO NOTHING";
        }

        @Override
        public R find(Object... key) {
            if (key.length != table.key().size()) {
                throw new IllegalArgumentException(table + " is keyed by " + table.key().size() + " columns");
            }
            List<Object> keyValues = List.of(key);
            BatchedWrites.TableWrites<R> held = BatchedWrites.held(this);
            if (held == null) {
                return first(query(byKey, keyValues));
            }
            if (!held.known.containsKey(keyValues)) {
                List<String> ahead = held.keysToReadAhead(keyValues);
                if (ahead.isEmpty()) {
                    held.known.put(keyValues, first(query(byKey, keyValues)));
                } else {
                    held.readAhead(ahead, query(byKeys, List.of(ahead)));
                }
            }
            return held.known.get(keyValues);
        }

        @Override
        public List<R> findAll(Column<R> column, Object value) {
            List<R> found = query(column.name() + " = ?", List.of(value));
            BatchedWrites.TableWrites<R> held = BatchedWrites.held(this);
            if (held == null) {
                return found;
            }
            // The table's rows, as this batch has changed them: its own version of a row found, and its new rows.
            Map<List<Object>, R> rows = new LinkedHashMap<>();
            for (R row : found) {
                List<Object> key = table.keyOf(row);
                rows.put(key, held.known.containsKey(key) ? held.known.get(key) : row);
            }
            rows.putAll(held.upserts);
            rows.values().removeIf(row -> row == null || !Objects.equals(column.of(row), value));
            return new ArrayList<>(rows.values());
        }

        @Override
        public void put(R row) {
            BatchedWrites.TableWrites<R> held = BatchedWrites.held(this);
            if (held == null) {
                jdbc.update(upsert, values(row));
            } else {
                held.put(table.keyOf(row), row);
            }
        }

        @Override
        public void add(R row) {
            BatchedWrites.TableWrites<R> held = BatchedWrites.held(this);
            if (held == null) {
                jdbc.update(insert, values(row));
            } else {
                held.add(row);
            }
        }

        @Override
        public int rewrite(String condition, List<Object> args, UnaryOperator<R> change) {
            BatchedWrites.TableWrites<R> held = BatchedWrites.held(this);
            if (held != null) {
                // An SQL condition is PostgreSQL's to evaluate: the batch's rows of this table go there first.
                held.flush();
            }
            return Rows.putChanged(query(condition, args), change, this::put);
        }

        @Override
        public void clear() {
            BatchedWrites.TableWrites<R> held = BatchedWrites.held(this);
            if (held != null) {
                held.forget();
            }
            jdbc.update("DELETE FROM " + table.name());
        }

        String name() {
            return table.name();
        }

        List<Object> keyOf(R row) {
            return table.keyOf(row);
        }

        /** Upserts the rows in one JDBC batch (what a batch of events held, written as it commits). */
        void upsertAll(List<R> rows) {
            jdbc.batchUpdate(upsert, rows.stream().map(this::values).toList());
        }

        /** Inserts the journal rows in one JDBC batch, in the order they were added. */
        void insertAll(List<R> rows) {
            jdbc.batchUpdate(insert, rows.stream().map(this::values).toList());
        }

        private static <R> R first(List<R> found) {
            return found.isEmpty() ? null : found.get(0);
        }

        private List<R> query(String where, List<Object> args) {
            return jdbc.query(select + where, mapper, args.stream().map(JdbcStores::parameter).toArray());
        }

        private Object[] values(R row) {
            Object[] values = new Object[table.columns().size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = parameter(table.columns().get(i).of(row));
            }
            return values;
        }
    }
}

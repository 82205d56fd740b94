package dev.careloop.query.replay;

import dev.careloop.api.Patient;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A read-model table described once for both ways of writing it (see {@link Stores}): its name, its columns in
 * order, its key, and how a row is read back. The SQL of the live writes and the rebuild's bulk load both follow
 * from this, so the two cannot disagree on a column.
 */
public final class RowTable<R> {

    /** Reads one row of the table from the current position of a result set. */
    @FunctionalInterface
    public interface Reader<R> {
        R read(ResultSet rs) throws SQLException;
    }

    private final String name;
    private final List<Column<R>> columns;
    private final List<Column<R>> key;
    private final Reader<R> reader;
    private final Column<R> version;

    private RowTable(String name, List<Column<R>> columns, List<Column<R>> key, Reader<R> reader,
                     Column<R> version) {
        this.name = name;
        this.columns = List.copyOf(columns);
        this.key = List.copyOf(key);
        this.reader = reader;
        this.version = version;
    }

    public static <R> Builder<R> named(String name) {
        return new Builder<>(name);
    }

    public String name() {
        return name;
    }

    public List<Column<R>> columns() {
        return columns;
    }

    public List<Column<R>> key() {
        return key;
    }

    public Reader<R> reader() {
        return reader;
    }

    /**
     * The column a row's version is in, for a table two writers keep (a command's own transaction and the tracking
     * processor): a put never moves a row back to an older version. Null: the last put wins.
     */
    public Column<R> version() {
        return version;
    }

    public Column<R> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " has no column " + columnName));
    }

    /** The key of a row, as the values {@link Rows#find} takes. */
    public List<Object> keyOf(R row) {
        List<Object> values = new ArrayList<>(key.size());
        for (Column<R> column : key) {
            values.add(column.of(row));
        }
        return values;
    }

    @Override
    public String toString() {
        return name;
    }

    public static final class Builder<R> {
        private final String name;
        private final List<Column<R>> columns = new ArrayList<>();
        private final List<String> key = new ArrayList<>();
        private String version;

        private Builder(String name) {
            this.name = name;
        }

        public Builder<R> column(String column, Function<R, ?> value) {
            columns.add(new Column<>(column, value, Column.Type.PLAIN));
            return this;
        }

        public Builder<R> json(String column, Function<R, String> value) {
            columns.add(new Column<>(column, value, Column.Type.JSONB));
            return this;
        }

        public Builder<R> textArray(String column, Function<R, List<String>> value) {
            columns.add(new Column<>(column, value, Column.Type.TEXT_ARRAY));
            return this;
        }

        /** The five patient columns of a view (patient_id, patient_identifier_system, ...); all null without one. */
        public Builder<R> patient(Function<R, Patient> patient) {
            column("patient_id", r -> patient.apply(r) == null ? null : patient.apply(r).patientId());
            column("patient_identifier_system", r -> patient.apply(r) == null ? null : patient.apply(r).identifierSystem());
            column("patient_identifier_value", r -> patient.apply(r) == null ? null : patient.apply(r).identifierValue());
            column("patient_name", r -> patient.apply(r) == null ? null : patient.apply(r).name());
            column("patient_birth_date", r -> patient.apply(r) == null ? null : patient.apply(r).birthDate());
            return this;
        }

        public Builder<R> key(String... columnNames) {
            key.addAll(List.of(columnNames));
            return this;
        }

        /** The row's version column: a put of an older version than the row has changes nothing. */
        public Builder<R> version(String columnName) {
            version = columnName;
            return this;
        }

        public RowTable<R> reader(Reader<R> reader) {
            List<Column<R>> keyColumns = new ArrayList<>();
            for (String k : key) {
                keyColumns.add(columns.stream().filter(c -> c.name().equals(k)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException(name + " has no key column " + k)));
            }
            if (keyColumns.isEmpty()) {
                throw new IllegalArgumentException(name + " declares no key");
            }
            Column<R> versionColumn = version == null ? null : columns.stream()
                    .filter(c -> c.name().equals(version)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(name + " has no version column " + version));
            return new RowTable<>(name, columns, keyColumns, reader, versionColumn);
        }
    }
}

package dev.careloop.query.replay;

import java.util.function.Function;

/**
 * A column of a read-model table and how a row gives its value. Values are null, String, Long, Integer, Short,
 * Boolean, Instant, LocalDate, a List of String (a {@code text[]} column) or, for a {@code jsonb} column, the JSON
 * text.
 */
public record Column<R>(String name, Function<R, ?> value, Type type) {

    public enum Type {
        PLAIN(""), JSONB("::jsonb"), TEXT_ARRAY("::text[]");

        /** The cast a parameter of this column needs in SQL. */
        public final String cast;

        Type(String cast) {
            this.cast = cast;
        }
    }

    public Object of(R row) {
        return value.apply(row);
    }
}

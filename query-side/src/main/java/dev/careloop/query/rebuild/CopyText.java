package dev.careloop.query.rebuild;

import dev.careloop.query.replay.Column;
import dev.careloop.query.replay.RowTable;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * Rows in PostgreSQL's COPY text format (tab-separated, {@code \N} for null, backslash escapes), with each value
 * written as the server would store the same value bound as a parameter by the live stores: timestamps at the
 * server's microsecond precision, arrays and JSON as their literals.
 */
final class CopyText {

    private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000};

    private CopyText() {
    }

    /** Appends one row of {@code table}, in its column order, ending with a newline. */
    static <R> void append(StringBuilder out, RowTable<R> table, R row) {
        List<Column<R>> columns = table.columns();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                out.append('\t');
            }
            Column<R> column = columns.get(i);
            value(out, column.of(row), column.type());
        }
        out.append('\n');
    }

    /** {@code COPY table (columns) FROM STDIN}. */
    static String copyStatement(RowTable<?> table) {
        StringBuilder sql = new StringBuilder("COPY ").append(table.name()).append(" (");
        for (int i = 0; i < table.columns().size(); i++) {
            sql.append(i > 0 ? ", " : "").append(table.columns().get(i).name());
        }
        return sql.append(") FROM STDIN").toString();
    }

    private static void value(StringBuilder out, Object value, Column.Type type) {
        if (value == null) {
            out.append("\\N");
        } else if (type == Column.Type.TEXT_ARRAY) {
            escaped(out, arrayLiteral((List<?>) value));
        } else if (value instanceof Instant instant) {
            timestamp(out, instant);
        } else if (value instanceof Boolean b) {
            out.append(b ? 't' : 'f');
        } else if (value instanceof Number || value instanceof LocalDate) {
            out.append(value);
        } else {
            escaped(out, value.toString());
        }
    }

    /**
     * The instant rounded to the microsecond, half up, as the JDBC driver sends a Timestamp parameter, written in
     * full ({@code 2026-11-23 21:18:53.331000+00}) so that the server has nothing left to round. By hand: a
     * DateTimeFormatter took a third of a rebuild's fold.
     */
    static void timestamp(StringBuilder out, Instant instant) {
        long seconds = instant.getEpochSecond();
        int micros = (instant.getNano() + 500) / 1000;
        if (micros == 1_000_000) {
            seconds++;
            micros = 0;
        }
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
        if (date.getYear() < 1 || date.getYear() > 9999) {
            out.append(Instant.ofEpochSecond(seconds, micros * 1000L));
            return;
        }
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        digits(out, date.getYear(), 4).append('-');
        digits(out, date.getMonthValue(), 2).append('-');
        digits(out, date.getDayOfMonth(), 2).append(' ');
        digits(out, secondOfDay / 3600, 2).append(':');
        digits(out, secondOfDay / 60 % 60, 2).append(':');
        digits(out, secondOfDay % 60, 2).append('.');
        digits(out, micros, 6).append("+00");
    }

    private static StringBuilder digits(StringBuilder out, int value, int width) {
        for (int divisor = POWERS[width - 1]; divisor > 0; divisor /= 10) {
            out.append((char) ('0' + value / divisor % 10));
        }
        return out;
    }

    /** {@code {"a","b"}}: every element quoted, so that commas, braces, spaces and NULL-like text stay text. */
    private static String arrayLiteral(List<?> values) {
        StringBuilder literal = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                literal.append(',');
            }
            Object element = values.get(i);
            if (element == null) {
                literal.append("NULL");
                continue;
            }
            literal.append('"');
            String text = element.toString();
            for (int c = 0; c < text.length(); c++) {
                char ch = text.charAt(c);
                if (ch == '"' || ch == '\\') {
                    literal.append('\\');
                }
                literal.append(ch);
            }
            literal.append('"');
        }
        return literal.append('}').toString();
    }

    private static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '\\' || ch == '\n' || ch == '\r' || ch == '\t') {
                return false;
            }
        }
        return true;
    }

    private static void escaped(StringBuilder out, String text) {
        if (plain(text)) {
            out.append(text);
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(ch);
            }
        }
    }
}

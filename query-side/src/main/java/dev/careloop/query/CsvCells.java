package dev.careloop.query;

/**
 * The cells of every CSV download (RFC 4180): each field quoted with its quotes doubled, and a field that a
 * spreadsheet would run as a formula neutralised (OWASP CSV injection).
 */
public final class CsvCells {

    private CsvCells() {
    }

    /**
     * A cell that starts with {@code = + - @}, a tab or a carriage return is read by Excel, LibreOffice and Sheets as
     * a formula (even inside quotes), so it is prefixed with a single quote, which they show as text.
     */
    public static String cell(String value) {
        return !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }

    /** A field as written in the file: {@link #cell neutralised}, quoted, quotes doubled; null is empty. */
    public static String field(Object value) {
        return '"' + cell(value == null ? "" : value.toString()).replace("\"", "\"\"") + '"';
    }
}

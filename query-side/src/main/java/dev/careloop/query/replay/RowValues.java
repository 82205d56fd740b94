package dev.careloop.query.replay;

import dev.careloop.api.Patient;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reading the values of a row back as the row classes hold them (see {@link RowTable.Reader}). */
public final class RowValues {

    private RowValues() {
    }

    public static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }

    /**
     * The instant as a TIMESTAMPTZ column keeps it: rounded half up to the microsecond, as the PostgreSQL JDBC driver
     * sends it. A row read from the database is unchanged by it; a row made in memory then shows what it would.
     */
    public static Instant stored(Instant instant) {
        return instant == null ? null : instant.plusNanos(500).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    /** A timestamp column as an instant, null for NULL. */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        return instant(rs.getTimestamp(column));
    }

    /** A text[] column as a list the row may change. */
    public static List<String> strings(Array array) throws SQLException {
        return array == null ? new ArrayList<>() : new ArrayList<>(Arrays.asList((String[]) array.getArray()));
    }

    /**
     * The patient columns ({@link RowTable.Builder#patient}); null only when every one of them is, so that a row
     * read and put back writes exactly the columns it read.
     */
    public static Patient patient(ResultSet rs) throws SQLException {
        String id = rs.getString("patient_id");
        String system = rs.getString("patient_identifier_system");
        String value = rs.getString("patient_identifier_value");
        String name = rs.getString("patient_name");
        LocalDate birthDate = rs.getObject("patient_birth_date", LocalDate.class);
        if (id == null && system == null && value == null && name == null && birthDate == null) {
            return null;
        }
        return new Patient(id, system, value, name, birthDate);
    }
}

package dev.careloop.query.appointment;

import dev.careloop.api.Patient;
import dev.careloop.query.replay.Column;
import dev.careloop.query.replay.RowTable;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A row of appointment_view, as {@link AppointmentViewProjection} changes it. */
final class AppointmentRow {

    String appointmentId;
    String referralId;
    /** Null when the event named no patient (the columns are nullable: a projection must not refuse an event). */
    Patient patient;
    String performer;
    List<String> participants = new ArrayList<>();
    String status;
    Instant slotStart;
    Instant slotEnd;
    /** The offered slots as JSON text. */
    String proposedSlots = "[]";
    Instant startsAt;
    String location;
    String description;
    String cancellationReason;
    boolean reminderSent;
    Instant createdAt;
    Instant updatedAt;
    long version;

    static final RowTable<AppointmentRow> TABLE = RowTable.<AppointmentRow>named("appointment_view")
            .column("appointment_id", r -> r.appointmentId)
            .column("referral_id", r -> r.referralId)
            .column("patient_id", r -> r.patient == null ? null : r.patient.patientId())
            .column("patient_identifier_system", r -> r.patient == null ? null : r.patient.identifierSystem())
            .column("patient_identifier_value", r -> r.patient == null ? null : r.patient.identifierValue())
            .column("patient_name", r -> r.patient == null ? null : r.patient.name())
            .column("patient_birth_date", r -> r.patient == null ? null : r.patient.birthDate())
            .column("performer", r -> r.performer)
            .textArray("participants", r -> r.participants)
            .column("status", r -> r.status)
            .column("slot_start", r -> r.slotStart)
            .column("slot_end", r -> r.slotEnd)
            .json("proposed_slots", r -> r.proposedSlots)
            .column("starts_at", r -> r.startsAt)
            .column("location", r -> r.location)
            .column("description", r -> r.description)
            .column("cancellation_reason", r -> r.cancellationReason)
            .column("reminder_sent", r -> r.reminderSent)
            .column("created_at", r -> r.createdAt)
            .column("updated_at", r -> r.updatedAt)
            .column("version", r -> r.version)
            .key("appointment_id")
            .reader(AppointmentRow::read);

    static final Column<AppointmentRow> PATIENT_ID = TABLE.column("patient_id");

    private static AppointmentRow read(ResultSet rs) throws SQLException {
        AppointmentRow r = new AppointmentRow();
        r.appointmentId = rs.getString("appointment_id");
        r.referralId = rs.getString("referral_id");
        r.patient = patient(rs);
        r.performer = rs.getString("performer");
        r.participants = strings(rs.getArray("participants"));
        r.status = rs.getString("status");
        r.slotStart = instant(rs.getTimestamp("slot_start"));
        r.slotEnd = instant(rs.getTimestamp("slot_end"));
        r.proposedSlots = rs.getString("proposed_slots");
        r.startsAt = instant(rs.getTimestamp("starts_at"));
        r.location = rs.getString("location");
        r.description = rs.getString("description");
        r.cancellationReason = rs.getString("cancellation_reason");
        r.reminderSent = rs.getBoolean("reminder_sent");
        r.createdAt = instant(rs.getTimestamp("created_at"));
        r.updatedAt = instant(rs.getTimestamp("updated_at"));
        r.version = rs.getLong("version");
        return r;
    }

    /** Null only when every patient column is: a put then writes back exactly the columns it read. */
    private static Patient patient(ResultSet rs) throws SQLException {
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

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? new ArrayList<>() : new ArrayList<>(Arrays.asList((String[]) array.getArray()));
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}

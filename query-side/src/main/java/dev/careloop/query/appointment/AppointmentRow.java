package dev.careloop.query.appointment;

import dev.careloop.api.Patient;
import dev.careloop.api.appointment.AppointmentStatus;
import dev.careloop.api.appointment.AppointmentView;
import dev.careloop.api.appointment.Slot;
import dev.careloop.query.privacy.PatientScrub;
import dev.careloop.query.replay.Column;
import dev.careloop.query.replay.RowTable;
import dev.careloop.query.replay.RowValues;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.careloop.query.replay.RowValues.stored;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/** A row of appointment_view, as {@link AppointmentViewProjection} changes it. */
final class AppointmentRow implements PatientScrub.PatientRow {

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
            .patient(r -> r.patient)
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
        r.patient = RowValues.patient(rs);
        r.performer = rs.getString("performer");
        r.participants = RowValues.strings(rs.getArray("participants"));
        r.status = rs.getString("status");
        r.slotStart = RowValues.instant(rs.getTimestamp("slot_start"));
        r.slotEnd = RowValues.instant(rs.getTimestamp("slot_end"));
        r.proposedSlots = rs.getString("proposed_slots");
        r.startsAt = RowValues.instant(rs.getTimestamp("starts_at"));
        r.location = rs.getString("location");
        r.description = rs.getString("description");
        r.cancellationReason = rs.getString("cancellation_reason");
        r.reminderSent = rs.getBoolean("reminder_sent");
        r.createdAt = RowValues.instant(rs.getTimestamp("created_at"));
        r.updatedAt = RowValues.instant(rs.getTimestamp("updated_at"));
        r.version = rs.getLong("version");
        return r;
    }

    private static final TypeReference<List<Slot>> SLOTS = new TypeReference<>() {
    };

    /** The row as the API shows it (its instants as the column keeps them, whether read or made in memory). */
    AppointmentView view(ObjectMapper json) {
        Instant start = stored(slotStart);
        return new AppointmentView(appointmentId, referralId,
                patient == null || patient.patientId() == null ? null : patient, performer, List.copyOf(participants),
                AppointmentStatus.fromCode(status), start == null ? null : new Slot(start, stored(slotEnd)),
                json.readValue(proposedSlots, SLOTS), location, description, cancellationReason, reminderSent,
                stored(createdAt), stored(updatedAt), version);
    }

    /** Erasure: the patient and the clinical text replaced by the placeholders the log now reads as. */
    @Override
    public boolean erasePatient() {
        if (!PatientScrub.unerased(patient, description, cancellationReason)) {
            return false;
        }
        patient = Patient.erased(patient.patientId());
        description = PatientScrub.erased(description);
        cancellationReason = PatientScrub.erased(cancellationReason);
        return true;
    }
}

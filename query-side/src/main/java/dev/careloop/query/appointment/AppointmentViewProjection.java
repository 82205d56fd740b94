package dev.careloop.query.appointment;

import dev.careloop.query.privacy.PatientScrub;
import dev.careloop.api.privacy.PatientErased;
import dev.careloop.api.Patient;
import dev.careloop.api.appointment.*;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The appointment_view table: one row per appointment, as its participants see it. Upserts are guarded by
 * the row's version, so replaying or redelivering an event changes nothing.
 */
@Component
@ProcessingGroup(AppointmentViewProjection.GROUP)
class AppointmentViewProjection implements PatientScrub {

    static final String GROUP = "appointments";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    AppointmentViewProjection(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @EventHandler
    void on(AppointmentProposed e, DomainEventMessage<?> message) {
        Instant earliest = e.slots() == null ? null : e.slots().stream().map(Slot::start).filter(Objects::nonNull)
                .min(Instant::compareTo).orElse(null);
        Patient p = e.patient();
        jdbc.update("""
                INSERT INTO appointment_view (appointment_id, referral_id, patient_id, patient_identifier_system,
                    patient_identifier_value, patient_name, patient_birth_date, performer, participants, status,
                    proposed_slots, starts_at, location, description, created_at, updated_at, version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::text[], ?, ?::jsonb, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (appointment_id) DO NOTHING""",
                e.appointmentId(), e.referralId(), p == null ? null : p.patientId(),
                p == null ? null : p.identifierSystem(), p == null ? null : p.identifierValue(),
                p == null ? null : p.name(), birthDate(p), e.performer(), participants(e.performer(), e.participants()),
                e.status().code(), json.writeValueAsString(e.slots() == null ? List.of() : e.slots()), ts(earliest),
                e.location(), e.description(), ts(message.getTimestamp()), ts(message.getTimestamp()),
                version(message));
    }

    /** Creates the row when booked directly; when a proposed slot is confirmed, the offer is closed. */
    @EventHandler
    void on(AppointmentBooked e, DomainEventMessage<?> message) {
        Patient p = e.patient();
        jdbc.update("""
                INSERT INTO appointment_view (appointment_id, referral_id, patient_id, patient_identifier_system,
                    patient_identifier_value, patient_name, patient_birth_date, performer, participants, status,
                    slot_start, slot_end, starts_at, location, description, created_at, updated_at, version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::text[], ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (appointment_id) DO UPDATE SET
                    performer = EXCLUDED.performer,
                    participants = appointment_view.participants || ARRAY(SELECT p FROM unnest(EXCLUDED.participants)
                        AS p WHERE p <> ALL(appointment_view.participants)),
                    status = EXCLUDED.status, slot_start = EXCLUDED.slot_start, slot_end = EXCLUDED.slot_end,
                    starts_at = EXCLUDED.starts_at, proposed_slots = '[]'::jsonb,
                    location = COALESCE(EXCLUDED.location, appointment_view.location),
                    description = COALESCE(EXCLUDED.description, appointment_view.description),
                    updated_at = EXCLUDED.updated_at, version = EXCLUDED.version
                WHERE appointment_view.version < EXCLUDED.version""",
                e.appointmentId(), e.referralId(), p == null ? null : p.patientId(),
                p == null ? null : p.identifierSystem(), p == null ? null : p.identifierValue(),
                p == null ? null : p.name(), birthDate(p), e.performer(), participants(e.performer(), e.participants()),
                e.status().code(), ts(start(e.slot())), ts(end(e.slot())), ts(start(e.slot())), e.location(),
                e.description(), ts(message.getTimestamp()), ts(message.getTimestamp()), version(message));
    }

    /** A new time: the reminder for the old one no longer counts. */
    @EventHandler
    void on(AppointmentRescheduled e, DomainEventMessage<?> message) {
        update(e, message, "slot_start = ?, slot_end = ?, starts_at = ?, location = COALESCE(?, location), "
                + "reminder_sent = FALSE", ts(start(e.slot())), ts(end(e.slot())), ts(start(e.slot())), e.location());
    }

    @EventHandler
    void on(AppointmentCancelled e, DomainEventMessage<?> message) {
        update(e, message, "cancellation_reason = ?", e.reason());
    }

    /** The new performer joins the participants; the previous one keeps seeing the appointment. */
    @EventHandler
    void on(AppointmentHandedOff e, DomainEventMessage<?> message) {
        update(e, message, "performer = ?, participants = CASE WHEN ? = ANY(participants) THEN participants "
                + "ELSE array_append(participants, ?::text) END", e.toOrganisation(), e.toOrganisation(),
                e.toOrganisation());
    }

    @EventHandler
    void on(AppointmentReminderDue e, DomainEventMessage<?> message) {
        update(e, message, "reminder_sent = TRUE");
    }

    /** Arrived, fulfilled, did not attend: only the status moves. */
    @EventHandler
    void on(AppointmentEvent e, DomainEventMessage<?> message) {
        update(e, message, null);
    }

    @ResetHandler
    void reset() {
        jdbc.update("DELETE FROM appointment_view");
    }

    private void update(AppointmentEvent e, DomainEventMessage<?> message, String extraSet, Object... extraArgs) {
        List<Object> args = new ArrayList<>();
        args.add(e.status().code());
        args.add(ts(message.getTimestamp()));
        args.add(version(message));
        args.addAll(Arrays.asList(extraArgs));
        args.add(e.appointmentId());
        args.add(version(message));
        jdbc.update("UPDATE appointment_view SET status = ?, updated_at = ?, version = ?"
                + (extraSet == null ? "" : ", " + extraSet)
                + " WHERE appointment_id = ? AND version < ?", args.toArray());
    }

    /** The performer first, then the others in a stable order, whatever order the event's set had. */
    private static String[] participants(String performer, Collection<String> others) {
        Set<String> all = new LinkedHashSet<>();
        if (performer != null) {
            all.add(performer);
        }
        if (others != null) {
            others.stream().filter(Objects::nonNull).sorted().forEach(all::add);
        }
        return all.toArray(String[]::new);
    }

    private static java.sql.Date birthDate(Patient p) {
        return p == null || p.birthDate() == null ? null : java.sql.Date.valueOf(p.birthDate());
    }

    private static Instant start(Slot slot) {
        return slot == null ? null : slot.start();
    }

    private static Instant end(Slot slot) {
        return slot == null ? null : slot.end();
    }

    private static long version(DomainEventMessage<?> message) {
        return message.getSequenceNumber() + 1;
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    /** After every earlier event of this group: no copy of the erased identity outlives the erasure here. */
    @EventHandler
    void on(PatientErased e) {
        scrub(e.patientId());
    }

    @Override
    public int scrub(String patientId) {
        return scrubView("appointment_view", patientId);
    }

    private int scrubView(String table, String patientId) {
        Patient erased = Patient.erased(patientId);
        return jdbc.update("UPDATE " + table + " SET patient_identifier_system = ?, patient_identifier_value = ?, "
                        + "patient_name = ?, patient_birth_date = NULL WHERE patient_id = ? "
                        + "AND patient_identifier_system IS DISTINCT FROM ?",
                erased.identifierSystem(), erased.identifierValue(), erased.name(), patientId,
                erased.identifierSystem());
    }
}

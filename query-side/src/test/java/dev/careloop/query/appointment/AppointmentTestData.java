package dev.careloop.query.appointment;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.TestPatients;
import dev.careloop.api.Patient;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.appointment.*;
import dev.careloop.query.ReadModelDatabase;
import org.axonframework.eventhandling.DomainEventMessage;

import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Organisations, a patient, and appointment events numbered the way the aggregate would number them. */
final class AppointmentTestData {

    static final String GP = "northside-gp";
    static final String DERM = "riverside-derm";
    static final String HOSPITAL = "harbour-hospital";
    static final String STRANGER = "elsewhere-clinic";

    static final Patient ADA = TestPatients.patient("urn:careloop:northside-gp:mrn", "MRN-1", "Ada Lovelace",
            LocalDate.of(1980, 1, 2));
    static final Slot MONDAY_9 = new Slot(Instant.parse("2026-12-07T09:00:00Z"), Instant.parse("2026-12-07T09:30:00Z"));
    static final Slot TUESDAY_14 = new Slot(Instant.parse("2026-12-08T14:00:00Z"),
            Instant.parse("2026-12-08T14:30:00Z"));

    /** The next sequence number of each appointment, as the event store assigns them. */
    private final Map<String, Long> nextSequence = new HashMap<>();

    /** An event of {@code e}'s appointment, acted by {@code user} of {@code org}, with the next sequence. */
    DomainEventMessage<Object> by(String org, String user, AppointmentEvent e) {
        long sequence = nextSequence.merge(e.appointmentId(), 1L, Long::sum) - 1;
        Map<String, Object> md = Map.of(MetadataKeys.USER, user, MetadataKeys.ORGANISATION, org,
                MetadataKeys.ROLES, "coordinator", MetadataKeys.CLIENT, "careloop-web",
                MetadataKeys.PURPOSE_OF_USE, PurposeOfUse.TREATMENT,
                MetadataKeys.CORRELATION_ID, "req-" + e.appointmentId() + "-" + sequence,
                MetadataKeys.CAUSATION_ID, "cmd-" + e.appointmentId() + "-" + sequence);
        return ReadModelDatabase.event("AppointmentHandoff", e.appointmentId(), sequence, e, md);
    }

    /** Derm books {@code id} at {@code slot} for the GP's referral "ref-{@code id}". */
    static AppointmentBooked booked(String id, Slot slot) {
        return new AppointmentBooked(id, "ref-" + id, ADA, DERM, Set.of(GP, DERM), slot, "Room 4",
                "Dermatology consult", AppointmentStatus.BOOKED);
    }

    /** Derm offers Tuesday 14:00 or Monday 9:00. */
    static AppointmentProposed proposed(String id) {
        return new AppointmentProposed(id, "ref-" + id, ADA, DERM, Set.of(DERM, GP), List.of(TUESDAY_14, MONDAY_9),
                "Room 4", "Dermatology consult", AppointmentStatus.PROPOSED);
    }

    static void emptyTables() {
        ReadModelDatabase.jdbc().update("DELETE FROM appointment_view");
        ReadModelDatabase.jdbc().update("DELETE FROM appointment_history");
    }

    /** The whole row as JSON text, so two reads compare column by column (JDBC arrays have no equals). */
    static String row(String id) {
        return ReadModelDatabase.jdbc().queryForObject(
                "SELECT to_jsonb(v)::text FROM appointment_view v WHERE appointment_id = ?", String.class, id);
    }

    /** What the list sorts and filters by. */
    static Instant startsAt(String id) {
        return ReadModelDatabase.jdbc().queryForObject(
                "SELECT starts_at FROM appointment_view WHERE appointment_id = ?", java.sql.Timestamp.class, id)
                .toInstant();
    }
}

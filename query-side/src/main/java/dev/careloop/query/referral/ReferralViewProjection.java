package dev.careloop.query.referral;

import dev.careloop.query.privacy.PatientScrub;
import dev.careloop.api.privacy.PatientErased;
import dev.careloop.api.Patient;
import dev.careloop.api.referral.*;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The referral_view table: one row per referral, as its participants see it. Upserts are guarded by
 * the row's version, so replaying or redelivering an event changes nothing.
 */
@Component
@ProcessingGroup(ReferralViewProjection.GROUP)
class ReferralViewProjection {

    static final String GROUP = "referrals";

    private final JdbcTemplate jdbc;

    ReferralViewProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(ReferralSent e, DomainEventMessage<?> message) {
        Patient p = e.patient();
        jdbc.update("""
                INSERT INTO referral_view (referral_id, referral_number, identifier_system, initiator_org,
                    recipient_org, participants, patient_id, patient_identifier_system, patient_identifier_value,
                    patient_name, patient_birth_date, priority, priority_rank, service, reason, status, sla_due_at,
                    based_on_referral_id, created_at, updated_at, version)
                VALUES (?, ?, ?, ?, ?, ARRAY[?, ?]::text[], ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (referral_id) DO NOTHING""",
                e.referralId(), e.referralNumber(), e.identifierSystem(), e.initiatorOrganisation(),
                e.recipientOrganisation(),
                e.initiatorOrganisation(), e.recipientOrganisation(),
                p.patientId(), p.identifierSystem(), p.identifierValue(), p.name(),
                p.birthDate() == null ? null : java.sql.Date.valueOf(p.birthDate()),
                e.priority().code(), e.priority().ordinal(), e.service(), e.reason(), e.status().code(),
                ts(e.slaDueAt()), e.basedOnReferralId(), ts(message.getTimestamp()), ts(message.getTimestamp()),
                version(message));
    }

    @EventHandler
    void on(ReferralForwarded e, DomainEventMessage<?> message) {
        update(e, message, "recipient_org = ?, participants = CASE WHEN ? = ANY(participants) THEN participants "
                + "ELSE array_append(participants, ?::text) END", e.toOrganisation(), e.toOrganisation(),
                e.toOrganisation());
    }

    @EventHandler
    void on(InformationRequested e, DomainEventMessage<?> message) {
        update(e, message, "open_question = ?", e.question());
    }

    @EventHandler
    void on(InformationProvided e, DomainEventMessage<?> message) {
        update(e, message, "open_question = NULL");
    }

    @EventHandler
    void on(VisitScheduled e, DomainEventMessage<?> message) {
        booked(e, message, e.appointmentId(), e.appointment());
    }

    @EventHandler
    void on(VisitRescheduled e, DomainEventMessage<?> message) {
        booked(e, message, e.appointmentId(), e.appointment());
    }

    @EventHandler
    void on(VisitCancelled e, DomainEventMessage<?> message) {
        update(e, message, "appointment_id = NULL, appointment_start = NULL, appointment_end = NULL, "
                + "appointment_location = NULL");
    }

    @EventHandler
    void on(OutcomeAcknowledged e, DomainEventMessage<?> message) {
        update(e, message, "loop_closed = TRUE");
    }

    @EventHandler
    void on(ReferralSlaMissed e, DomainEventMessage<?> message) {
        update(e, message, "overdue = TRUE");
    }

    @EventHandler
    void on(RecordAttached e, DomainEventMessage<?> message) {
        update(e, message, "record_ids = array_append(record_ids, ?::text)", e.recordId());
    }

    /** Accepted, declined, no-show, notes, cancellation, outcome, refer-back: only the status moves. */
    @EventHandler
    void on(ReferralEvent e, DomainEventMessage<?> message) {
        update(e, message, null);
    }

    @ResetHandler
    void reset() {
        jdbc.update("DELETE FROM referral_view");
    }

    private void booked(ReferralEvent e, DomainEventMessage<?> message, String appointmentId, Appointment a) {
        update(e, message, "appointment_id = ?, appointment_start = ?, appointment_end = ?, appointment_location = ?",
                appointmentId, ts(a.start()), ts(a.end()), a.location());
    }

    private void update(ReferralEvent e, DomainEventMessage<?> message, String extraSet, Object... extraArgs) {
        List<Object> args = new ArrayList<>();
        args.add(e.status().code());
        args.add(ts(message.getTimestamp()));
        args.add(version(message));
        args.addAll(Arrays.asList(extraArgs));
        args.add(e.referralId());
        args.add(version(message));
        jdbc.update("UPDATE referral_view SET status = ?, updated_at = ?, version = ?"
                + (extraSet == null ? "" : ", " + extraSet)
                + " WHERE referral_id = ? AND version < ?", args.toArray());
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
        PatientScrub.referrals(jdbc, e.patientId());
    }
}

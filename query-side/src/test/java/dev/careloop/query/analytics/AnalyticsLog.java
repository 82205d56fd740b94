package dev.careloop.query.analytics;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.TestPatients;
import dev.careloop.api.appointment.AppointmentEvent;
import dev.careloop.api.partnership.PartnershipGoalEvent;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralEvent;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.query.ReadModelDatabase;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;

import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Referral and appointment events at the instants a test names, each aggregate with its own sequence. */
final class AnalyticsLog {

    static final String GP = "northside-gp";
    static final String DERM = "riverside-derm";
    static final String CARDIO = "lakeside-cardio";
    static final String SERVICE = "Dermatology consultation";
    static final String REASON = "Changing mole on the left shoulder";

    private final Map<String, Long> sequences = new HashMap<>();

    DomainEventMessage<Object> at(String instant, ReferralEvent e) {
        return message("Referral", e.referralId(), e, instant);
    }

    DomainEventMessage<Object> at(String instant, AppointmentEvent e) {
        return message("Appointment", e.appointmentId(), e, instant);
    }

    DomainEventMessage<Object> at(String instant, PartnershipGoalEvent e) {
        return message("PartnershipGoal", e.goalId(), e, instant, e.organisation());
    }

    /** The event as {@code organisation} wrote it (its acting organisation). */
    DomainEventMessage<Object> by(String organisation, String instant, ReferralEvent e) {
        return message("Referral", e.referralId(), e, instant, organisation);
    }

    private DomainEventMessage<Object> message(String type, String id, Object payload, String instant) {
        return message(type, id, payload, instant, "someorg");
    }

    private DomainEventMessage<Object> message(String type, String id, Object payload, String instant,
                                               String organisation) {
        long sequence = sequences.merge(id, 1L, Long::sum) - 1;
        return new GenericDomainEventMessage<>(type, id, sequence, payload,
                Map.of(MetadataKeys.USER, "someone", MetadataKeys.ORGANISATION, organisation),
                UUID.randomUUID().toString(), Instant.parse(instant));
    }

    static ReferralSent sent(String referralId, String from, String to, Priority priority, String slaDueAt) {
        return sent(referralId, from, to, priority, slaDueAt, "MRN-" + referralId, SERVICE);
    }

    /** A referral of the patient with medical record number {@code mrn} (at the GP) for {@code service}. */
    static ReferralSent sentFor(String referralId, String from, String to, String mrn, String service) {
        return sent(referralId, from, to, Priority.ROUTINE, null, mrn, service);
    }

    private static ReferralSent sent(String referralId, String from, String to, Priority priority, String slaDueAt,
                                     String mrn, String service) {
        return new ReferralSent(referralId, "N-" + referralId, "urn:careloop:" + from + ":referral", from, to,
                TestPatients.patient("urn:careloop:" + GP + ":mrn", mrn, "Ada Lovelace", LocalDate.of(1980, 1, 2)),
                priority, service, REASON, "Seen twice already", slaDueAt == null ? null : Instant.parse(slaDueAt),
                null, ReferralStatus.CREATED);
    }

    static ReferralSent sent(String referralId, String from, String to) {
        return sent(referralId, from, to, Priority.ROUTINE, null);
    }

    static void emptyTables() {
        ReadModelDatabase.jdbc().update("DELETE FROM analytics_referral");
        ReadModelDatabase.jdbc().update("DELETE FROM analytics_month");
        ReadModelDatabase.jdbc().update("DELETE FROM analytics_pair_month");
        ReadModelDatabase.jdbc().update("DELETE FROM partnership_goal");
    }
}

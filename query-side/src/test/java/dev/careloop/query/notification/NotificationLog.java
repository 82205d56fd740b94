package dev.careloop.query.notification;

import dev.careloop.api.Actor;
import dev.careloop.api.MetadataKeys;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralEvent;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.query.ReadModelDatabase;
import dev.careloop.query.TestPatients;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;

import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Referral events as the log holds them: each referral's own sequence, the acting person in the metadata. */
final class NotificationLog {

    static final String GP = "northside-gp";
    static final String DERM = "riverside-derm";
    static final String CARDIO = "lakeside-cardio";
    static final String PATIENT_NAME = "Ada Lovelace";

    private final Map<String, Long> sequences = new HashMap<>();
    private Instant clock = Instant.parse("2026-12-01T09:00:00Z");

    /** An event of referral {@code e.referralId()} by {@code user} acting for {@code organisation}. */
    DomainEventMessage<Object> by(String organisation, String user, ReferralEvent e) {
        long sequence = sequences.merge(e.referralId(), 1L, Long::sum) - 1;
        clock = clock.plusSeconds(60);
        Map<String, Object> metaData = new HashMap<>();
        metaData.put(MetadataKeys.USER, user);
        metaData.put(MetadataKeys.ORGANISATION, organisation);
        return new GenericDomainEventMessage<>("Referral", e.referralId(), sequence, e, metaData,
                java.util.UUID.randomUUID().toString(), clock);
    }

    /** An event CareLoop itself caused (a deadline): no person, no organisation. */
    DomainEventMessage<Object> byNoOne(ReferralEvent e) {
        long sequence = sequences.merge(e.referralId(), 1L, Long::sum) - 1;
        clock = clock.plusSeconds(60);
        return new GenericDomainEventMessage<>("Referral", e.referralId(), sequence, e, Map.of(),
                java.util.UUID.randomUUID().toString(), clock);
    }

    /** A routine referral for dermatology from the GP. */
    static ReferralSent sent(String referralId, String number, String from, String to) {
        return new ReferralSent(referralId, number, "urn:careloop:" + from + ":referral", from, to,
                TestPatients.patient("urn:careloop:" + from + ":mrn", "MRN-" + referralId, PATIENT_NAME,
                        LocalDate.of(1980, 1, 2)),
                Priority.ROUTINE, "Dermatology consultation", "Changing mole", null,
                Instant.parse("2026-12-20T00:00:00Z"), null, ReferralStatus.CREATED);
    }

    /** A person of an organisation as the API sees them. */
    static Actor person(String organisation, String subject) {
        return new Actor(subject, organisation, Set.of(Actor.CLINICIAN), "careloop-web", null, subject);
    }

    static ReadModelDatabase.Projections projections(NotificationProjection projection) {
        return new ReadModelDatabase.Projections(projection);
    }

    static void emptyTables() {
        ReadModelDatabase.jdbc().update("DELETE FROM notification");
        ReadModelDatabase.jdbc().update("DELETE FROM notification_referral");
        ReadModelDatabase.jdbc().update("DELETE FROM notification_read");
    }
}

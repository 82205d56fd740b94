package dev.careloop.query.analytics;

import dev.careloop.api.Actor;
import dev.careloop.api.TestPatients;
import dev.careloop.api.appointment.AppointmentStatus;
import dev.careloop.api.appointment.PatientArrived;
import dev.careloop.api.referral.Appointment;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.api.referral.VisitScheduled;
import dev.careloop.query.ReadModelDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.server.ResponseStatusException;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Set;

import static dev.careloop.query.analytics.AnalyticsLog.CARDIO;
import static dev.careloop.query.analytics.AnalyticsLog.DERM;
import static dev.careloop.query.analytics.AnalyticsLog.GP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The "soonest seen" ranking of recipients for a service, on a scripted history with hand-computed figures. */
class SoonestSeenTest {

    private static final String HARBOUR = "harbour-skin";
    private static final String SKIN = "dermatology";
    private static final Clock DECEMBER = Clock.fixed(Instant.parse("2026-12-20T12:00:00Z"), ZoneOffset.UTC);

    private final ReadModelDatabase.Projections projections =
            new ReadModelDatabase.Projections(new AnalyticsProjection(ReadModelDatabase.stores()));
    private final SoonestSeen soonest = new SoonestSeen(ReadModelDatabase.jdbc(), DECEMBER);
    private final AnalyticsLog log = new AnalyticsLog();

    @BeforeEach
    void script() {
        AnalyticsLog.emptyTables();
        projections.deliver(
                // Riverside: seen after 5 and 10 days, one not seen yet.
                log.at("2026-12-01T08:00:00Z", sent("d1", GP, DERM, SKIN)),
                log.at("2026-12-06T08:00:00Z", new PatientArrived("a-d1", "d1", AppointmentStatus.ARRIVED)),
                log.at("2026-12-01T08:00:00Z", sent("d2", CARDIO, DERM, SKIN)),
                log.at("2026-12-11T08:00:00Z", new PatientArrived("a-d2", "d2", AppointmentStatus.ARRIVED)),
                log.at("2026-12-02T08:00:00Z", sent("d3", GP, DERM, SKIN)),
                // Riverside offered d1 a slot 4 days after sending, d3 one 8 days after.
                log.at("2026-12-01T09:00:00Z", new VisitScheduled("d1", "a-d1", 1,
                        new Appointment(Instant.parse("2026-12-05T08:00:00Z"), null, "Room 1"),
                        ReferralStatus.SCHEDULED)),
                log.at("2026-12-02T09:00:00Z", new VisitScheduled("d3", "a-d3", 1,
                        new Appointment(Instant.parse("2026-12-10T08:00:00Z"), null, "Room 1"),
                        ReferralStatus.SCHEDULED)),
                // Harbour: seen after 50 h (from Northside) and 48 h (from Lakeside).
                log.at("2026-12-01T08:00:00Z", sent("h1", GP, HARBOUR, SKIN)),
                log.at("2026-12-03T10:00:00Z", new PatientArrived("a-h1", "h1", AppointmentStatus.ARRIVED)),
                log.at("2026-12-02T08:00:00Z", sent("h2", CARDIO, HARBOUR, SKIN)),
                log.at("2026-12-04T08:00:00Z", new PatientArrived("a-h2", "h2", AppointmentStatus.ARRIVED)),
                // Lakeside received one, not seen yet.
                log.at("2026-12-03T08:00:00Z", sent("c1", GP, CARDIO, SKIN)),
                // Another service, and a referral sent before the period: neither counts.
                log.at("2026-12-01T08:00:00Z", sent("x1", GP, CARDIO, "cardiology")),
                log.at("2026-12-01T09:00:00Z", new PatientArrived("a-x1", "x1", AppointmentStatus.ARRIVED)),
                log.at("2026-05-01T08:00:00Z", sent("o1", GP, CARDIO, SKIN)),
                log.at("2026-05-01T09:00:00Z", new PatientArrived("a-o1", "o1", AppointmentStatus.ARRIVED)));
    }

    @Test
    void recipientsAreRankedByMedianTimeFromSentToSeenAndThoseNotSeenYetComeLast() {
        SoonestSeen.Ranking ranking = soonest.rank(GP, SKIN, YearMonth.of(2026, 7), YearMonth.of(2026, 12));

        assertThat(ranking.recipients()).containsExactly(
                // 48 h and 50 h: median rank 1 = 48 h, p90 rank 2 = 50 h; no slot offered.
                new SoonestSeen.Recipient(HARBOUR, 2, 2, 48L, 50L, 0, null, null),
                // 5 and 10 days (whole days from 3 days on): 120 h and 240 h; d3 counts as a referral, not seen.
                // Slots offered 4 and 8 days after sending: median rank 1 = 96 h, p90 rank 2 = 192 h.
                new SoonestSeen.Recipient(DERM, 3, 2, 120L, 240L, 2, 96L, 192L),
                // c1 only: o1 (May) is before the period and x1 is another service.
                new SoonestSeen.Recipient(CARDIO, 1, 0, null, null, 0, null, null));
    }

    @Test
    void aServiceIsFoundByItsDirectoryCodeOrNameInAnyCase() {
        ReadModelDatabase.jdbc().update("DELETE FROM organisation_service WHERE organisation_id = ?", HARBOUR);
        ReadModelDatabase.jdbc().update("INSERT INTO organisation_service (organisation_id, code, name) VALUES (?, ?, ?)",
                HARBOUR, SKIN, "Skin clinic");
        try {
            projections.deliver(log.at("2026-12-05T08:00:00Z", sent("n1", GP, HARBOUR, "SKIN CLINIC")));

            SoonestSeen.Ranking byName = soonest.rank(GP, "skin clinic", YearMonth.of(2026, 12),
                    YearMonth.of(2026, 12));

            // h1, h2 (sent as the code) and n1 (sent as the name in capitals): 3 referrals, 2 seen.
            assertThat(byName.recipients()).filteredOn(r -> r.organisation().equals(HARBOUR)).singleElement()
                    .isEqualTo(new SoonestSeen.Recipient(HARBOUR, 3, 2, 48L, 50L, 0, null, null));
            assertThat(soonest.rank(GP, SKIN, YearMonth.of(2026, 12), YearMonth.of(2026, 12)).recipients())
                    .filteredOn(r -> r.organisation().equals(HARBOUR)).singleElement()
                    .satisfies(r -> assertThat(r.referrals()).isEqualTo(3));
        } finally {
            ReadModelDatabase.jdbc().update("DELETE FROM organisation_service WHERE organisation_id = ?", HARBOUR);
        }
    }

    @Test
    void theCallersOwnOrganisationIsLeftOutAndEverySendersReferralsCount() {
        SoonestSeen.Ranking ranking = soonest.rank(CARDIO, SKIN, YearMonth.of(2026, 7), YearMonth.of(2026, 12));

        assertThat(ranking.recipients()).extracting(SoonestSeen.Recipient::organisation)
                .containsExactly(HARBOUR, DERM);
    }

    @Test
    void theLastMonthsAreThisMonthAndTheOnesBeforeIt() {
        SoonestSeen.Ranking ranking = soonest.soonest(actor(GP), " " + SKIN + " ", 6);

        assertThat(ranking.from()).isEqualTo("2026-07");
        assertThat(ranking.to()).isEqualTo("2026-12");
        assertThat(ranking.service()).isEqualTo(SKIN);
        assertThat(ranking.recipients()).hasSize(3);
        assertThat(soonest.soonest(actor(GP), SKIN, 8).recipients())
                .as("May is within the last 8 months").filteredOn(r -> r.organisation().equals(CARDIO))
                .singleElement().satisfies(r -> assertThat(r.seen()).isEqualTo(1));
    }

    @Test
    void aMissingServiceOrAPeriodOutOfRangeIsRefused() {
        assertThatThrownBy(() -> soonest.soonest(actor(GP), " ", 6)).isInstanceOf(ResponseStatusException.class)
                .hasMessageContaining("service is required");
        assertThatThrownBy(() -> soonest.soonest(actor(GP), SKIN, 0)).isInstanceOf(ResponseStatusException.class)
                .hasMessageContaining("months must be between 1 and 24");
        assertThatThrownBy(() -> soonest.soonest(actor(GP), "s".repeat(201), 6))
                .isInstanceOf(ResponseStatusException.class);
    }

    private static ReferralSent sent(String id, String from, String to, String service) {
        return new ReferralSent(id, "N-" + id, "urn:careloop:" + from + ":referral", from, to,
                TestPatients.patient("urn:careloop:" + from + ":mrn", "MRN-" + id, "Ada Lovelace",
                        LocalDate.of(1980, 1, 2)),
                Priority.ROUTINE, service, "Changing mole", null, null, null, ReferralStatus.CREATED);
    }

    private static Actor actor(String organisation) {
        return new Actor("someone", organisation, Set.of(Actor.CLINICIAN), "careloop-web", null, "Someone");
    }
}

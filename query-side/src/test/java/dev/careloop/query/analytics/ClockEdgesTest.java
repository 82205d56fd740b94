package dev.careloop.query.analytics;

import dev.careloop.api.Actor;
import dev.careloop.api.referral.OutcomeAcknowledged;
import dev.careloop.api.referral.OutcomeSent;
import dev.careloop.api.referral.ReferralAccepted;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.query.ReadModelDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;

import static dev.careloop.query.analytics.AnalyticsLog.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The measures at the edges of the calendar, computed by hand (docs/ANALYTICS.md, "Which period"): months are UTC
 * calendar months of the referral sent, whatever the clinic's own zone; turnarounds are real elapsed time, so a
 * daylight-saving change neither adds nor takes away an hour that did not pass.
 */
class ClockEdgesTest {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final Actor GP_STAFF = new Actor("gp", GP, Set.of(Actor.CLINICIAN), null, null);

    private final ReadModelDatabase.Projections projections =
            new ReadModelDatabase.Projections(new AnalyticsProjection(ReadModelDatabase.stores()));
    private final PartnershipReadModel partnerships = new PartnershipReadModel(ReadModelDatabase.jdbc());
    private final AnalyticsLog log = new AnalyticsLog();

    @BeforeEach
    void startEmpty() {
        AnalyticsLog.emptyTables();
    }

    @Test
    void aReferralSentAtHalfPastElevenOnTheLastDayOfAMonthCountsInThatMonthWithItsLaterStepsAndTurnaround() {
        // Sent 30 Nov 23:30 UTC, accepted 1 Dec 01:00 (1 h 30 min: bucket 1 h), outcome 3 Dec, acknowledged 4 Dec.
        projections.deliver(log.at("2026-11-30T23:30:00Z", sent("e1", GP, DERM)),
                log.at("2026-12-01T01:00:00Z", new ReferralAccepted("e1", ReferralStatus.ACCEPTED)),
                log.at("2026-12-03T09:00:00Z", new OutcomeSent("e1", "p", "Benign", ReferralStatus.COMPLETED)),
                log.at("2026-12-04T09:00:00Z", new OutcomeAcknowledged("e1", ReferralStatus.COMPLETED)));

        Measures november = outgoing(YearMonth.of(2026, 11));
        assertThat(november.referrals()).isEqualTo(1);
        assertThat(november.acknowledged()).isEqualTo(1);
        assertThat(november.turnarounds().get("sentToAccepted")).isEqualTo(new Measures.Turnaround(1, 1L, 1L));
        // 30 Nov 23:30 to 4 Dec 09:00 is 3 days 9 h 30 min: whole days from 3 days on, 72 h.
        assertThat(november.turnarounds().get("sentToAcknowledged")).isEqualTo(new Measures.Turnaround(1, 72L, 72L));
        assertThat(november.loopClosureRate()).isEqualTo(1.0);
        assertThat(partnerships.overview(GP, YearMonth.of(2026, 12), YearMonth.of(2026, 12), 30).partnerships())
                .isEmpty();
    }

    @Test
    void theLastSecondOfAYearCountsInDecemberAndTheFirstInJanuary() {
        projections.deliver(log.at("2026-12-31T23:59:59Z", sent("y1", GP, DERM)),
                log.at("2027-01-01T00:00:00Z", sent("y2", GP, DERM)));

        assertThat(outgoing(YearMonth.of(2026, 12)).referrals()).isEqualTo(1);
        assertThat(outgoing(YearMonth.of(2027, 1)).referrals()).isEqualTo(1);
        assertThat(partnerships.detail(GP, DERM, YearMonth.of(2026, 12), YearMonth.of(2027, 1), 30).months())
                .extracting(PartnershipReadModel.MonthLine::month).containsExactly("2026-12", "2027-01");
    }

    @Test
    void aClinicInLondonInSummerTimeSeesAReferralSentAfterItsMidnightCountInTheUtcMonthBefore() {
        // 30 Jun 23:30 UTC is 1 Jul 00:30 in London (BST, UTC+1): it counts in June, the UTC month.
        Instant sent = Instant.parse("2026-06-30T23:30:00Z");
        assertThat(sent.atZone(LONDON).getMonthValue()).isEqualTo(7);
        projections.deliver(log.at(sent.toString(), sent("l1", GP, DERM)));

        assertThat(outgoing(YearMonth.of(2026, 6)).referrals()).isEqualTo(1);
        assertThat(partnerships.overview(GP, YearMonth.of(2026, 7), YearMonth.of(2026, 7), 30).partnerships())
                .isEmpty();
    }

    @Test
    void aClinicInNewYorkSeesAReferralSentOnItsLastEveningOfNovemberCountInDecember() {
        // 1 Dec 00:30 UTC is 30 Nov 19:30 in New York (EST, UTC-5): it counts in December, the UTC month.
        Instant sent = Instant.parse("2026-12-01T00:30:00Z");
        assertThat(sent.atZone(NEW_YORK).getMonthValue()).isEqualTo(11);
        projections.deliver(log.at(sent.toString(), sent("ny1", GP, DERM)));

        assertThat(outgoing(YearMonth.of(2026, 12)).referrals()).isEqualTo(1);
        assertThat(partnerships.overview(GP, YearMonth.of(2026, 11), YearMonth.of(2026, 11), 30).partnerships())
                .isEmpty();
    }

    @Test
    void aTriageAcrossTheAutumnClockChangeInLondonIsTheTwentyFiveHoursThatPassed() {
        // Sent Sat 24 Oct 2026 09:00 BST (08:00Z), accepted Sun 25 Oct 09:00 GMT (09:00Z): the wall clock says 24 h,
        // 25 h passed (the clocks went back at 02:00 BST on the 25th).
        Instant sent = Instant.parse("2026-10-24T08:00:00Z");
        Instant accepted = Instant.parse("2026-10-25T09:00:00Z");
        assertThat(sent.atZone(LONDON).getHour()).isEqualTo(9);
        assertThat(accepted.atZone(LONDON).getHour()).isEqualTo(9);
        projections.deliver(log.at(sent.toString(), sent("dst1", GP, DERM)),
                log.at(accepted.toString(), new ReferralAccepted("dst1", ReferralStatus.ACCEPTED)));

        assertThat(outgoing(YearMonth.of(2026, 10)).turnarounds().get("sentToAccepted").medianHours()).isEqualTo(25);
    }

    @Test
    void aTriageAcrossTheSpringClockChangeInNewYorkIsTheTwentyThreeHoursThatPassed() {
        // Sent Sat 7 Mar 2026 09:00 EST (14:00Z), accepted Sun 8 Mar 09:00 EDT (13:00Z): 23 h passed.
        Instant sent = Instant.parse("2026-03-07T14:00:00Z");
        Instant accepted = Instant.parse("2026-03-08T13:00:00Z");
        assertThat(sent.atZone(NEW_YORK).getHour()).isEqualTo(9);
        assertThat(accepted.atZone(NEW_YORK).getHour()).isEqualTo(9);
        projections.deliver(log.at(sent.toString(), sent("dst2", GP, DERM)),
                log.at(accepted.toString(), new ReferralAccepted("dst2", ReferralStatus.ACCEPTED)));

        assertThat(outgoing(YearMonth.of(2026, 3)).turnarounds().get("sentToAccepted").medianHours()).isEqualTo(23);
    }

    @Test
    void aLoopClosedInTwentyNineDaysAndTwentyThreeHoursOfRealTimeAcrossAClockChangeIsWithinThirtyDays() {
        // Sent 10 Oct 10:00Z, acknowledged 9 Nov 09:00Z: 29 days 23 h passed. In London the wall clock reads
        // 11:00 BST then 09:00 GMT, 29 days 22 h; either way under 30 whole days: closed within the target.
        projections.deliver(log.at("2026-10-10T10:00:00Z", sent("dst3", GP, DERM)),
                log.at("2026-10-12T10:00:00Z", new ReferralAccepted("dst3", ReferralStatus.ACCEPTED)),
                log.at("2026-11-01T10:00:00Z", new OutcomeSent("dst3", "p", "Done", ReferralStatus.COMPLETED)),
                log.at("2026-11-09T09:00:00Z", new OutcomeAcknowledged("dst3", ReferralStatus.COMPLETED)));

        Measures october = outgoing(YearMonth.of(2026, 10));
        assertThat(october.loopsClosed()).isEqualTo(1);
        assertThat(october.turnarounds().get("sentToAcknowledged").medianHours()).isEqualTo(29 * 24L);
        assertThat(partnerships.overview(GP, YearMonth.of(2026, 10), YearMonth.of(2026, 10), 29).partnerships()
                .get(0).outgoing().loopsClosed()).isZero();
    }

    @Test
    void theTwentyNinthOfFebruaryOfALeapYearCountsInFebruary() {
        projections.deliver(log.at("2028-02-29T12:00:00Z", sent("leap", GP, DERM)),
                log.at("2028-03-01T00:00:00Z", sent("march", GP, DERM)));

        assertThat(outgoing(YearMonth.of(2028, 2)).referrals()).isEqualTo(1);
        assertThat(outgoing(YearMonth.of(2028, 3)).referrals()).isEqualTo(1);
    }

    @Test
    void theDefaultPeriodEndsWithTheCurrentUtcMonthEvenWhereItIsStillLastMonthLocally() {
        // 1 Dec 00:30 UTC: still 30 Nov in New York; the default period is the 12 UTC months to December.
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T00:30:00Z"), ZoneOffset.UTC);
        PartnershipController controller = new PartnershipController(partnerships, clock, null,
                Duration.ofSeconds(1), "careloop");

        PartnershipReadModel.Overview overview = (PartnershipReadModel.Overview) controller.list(GP_STAFF, null, null,
                30, null);

        assertThat(overview.from()).isEqualTo("2026-01");
        assertThat(overview.to()).isEqualTo("2026-12");
        assertThat(new SoonestSeen(ReadModelDatabase.jdbc(), clock).soonest(GP_STAFF, SERVICE, 6).from())
                .isEqualTo("2026-07");
    }

    private Measures outgoing(YearMonth month) {
        return partnerships.overview(GP, month, month, 30).partnerships().get(0).outgoing();
    }
}

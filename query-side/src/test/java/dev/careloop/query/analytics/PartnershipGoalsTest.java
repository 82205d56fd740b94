package dev.careloop.query.analytics;

import dev.careloop.api.partnership.PartnershipGoalSet;
import dev.careloop.api.partnership.PartnershipGoalView;
import dev.careloop.api.partnership.PartnershipGoalWithdrawn;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralAccepted;
import dev.careloop.api.referral.ReferralSlaMissed;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.query.ReadModelDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.YearMonth;
import java.util.List;

import static dev.careloop.query.analytics.AnalyticsLog.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Each partnership measure against the goals its organisations set, month by month, on a scripted history. */
class PartnershipGoalsTest {

    private static final YearMonth NOV = YearMonth.of(2026, 11);
    private static final YearMonth DEC = YearMonth.of(2026, 12);

    private final ReadModelDatabase.Projections projections = new ReadModelDatabase.Projections(
            new AnalyticsProjection(ReadModelDatabase.stores()),
            new PartnershipGoalProjection(ReadModelDatabase.stores()));
    private final PartnershipReadModel partnerships = new PartnershipReadModel(ReadModelDatabase.jdbc());
    private final AnalyticsLog log = new AnalyticsLog();

    /**
     * GP to DERM: November g1 urgent triaged in 24 h (SLA met), g2 urgent in 5 days (missed), g3 routine in 24 h (met);
     * December g4 and g5 urgent in 24 h (met). DERM to GP: g6 urgent, never triaged (missed).
     */
    @BeforeEach
    void aScriptedHistory() {
        AnalyticsLog.emptyTables();
        urgent("g1", GP, DERM, "2026-11-02T08:00:00Z", "2026-11-05T08:00:00Z", "2026-11-03T08:00:00Z");
        urgent("g2", GP, DERM, "2026-11-10T08:00:00Z", "2026-11-13T08:00:00Z", "2026-11-15T08:00:00Z");
        projections.deliver(log.at("2026-11-12T08:00:00Z", sent("g3", GP, DERM, Priority.ROUTINE,
                        "2026-11-26T08:00:00Z")),
                log.at("2026-11-13T08:00:00Z", new ReferralAccepted("g3", ReferralStatus.ACCEPTED)));
        urgent("g4", GP, DERM, "2026-12-01T08:00:00Z", "2026-12-04T08:00:00Z", "2026-12-02T08:00:00Z");
        urgent("g5", GP, DERM, "2026-12-03T08:00:00Z", "2026-12-06T08:00:00Z", "2026-12-04T08:00:00Z");
        projections.deliver(log.at("2026-11-20T08:00:00Z", sent("g6", DERM, GP, Priority.URGENT,
                        "2026-11-23T08:00:00Z")),
                log.at("2026-11-23T08:00:01Z", new ReferralSlaMissed("g6", Instant.parse("2026-11-23T08:00:00Z"),
                        ReferralStatus.CREATED)));
    }

    private void urgent(String id, String from, String to, String sent, String due, String accepted) {
        projections.deliver(log.at(sent, AnalyticsLog.sent(id, from, to, Priority.URGENT, due)),
                log.at(accepted, new ReferralAccepted(id, ReferralStatus.ACCEPTED)));
    }

    @Test
    void anSlaGoalOnUrgentReferralsSentIsMissedOverThePeriodAndInNovember() {
        projections.deliver(log.at("2026-12-10T09:00:00Z", new PartnershipGoalSet("sla", GP, DERM, "slaMetRate",
                "atLeast", 0.9, null, "urgent", null, "outgoing", "Agreed at the quarterly review")));

        GoalEvaluation.Result result = goal(partnerships.detail(GP, DERM, NOV, DEC, 30), "sla");

        // Urgent GP -> DERM: g1 met, g2 missed (November 1 of 2); g4, g5 met (December 2 of 2): 3 of 4 overall.
        assertThat(result.actual()).isEqualTo(0.75);
        assertThat(result.met()).isFalse();
        assertThat(result.periods()).containsExactly(new GoalEvaluation.Period("2026-11", 0.5, false),
                new GoalEvaluation.Period("2026-12", 1.0, true));
        assertThat(result.missedPeriods()).containsExactly("2026-11");
        assertThat(result.goal().direction()).isEqualTo("outgoing");
        assertThat(result.goal().setByOrganisation()).isEqualTo(GP);
        assertThat(result.goal().setAt()).isEqualTo(Instant.parse("2026-12-10T09:00:00Z"));
        assertThat(result.goal().reason()).isEqualTo("Agreed at the quarterly review");
    }

    @Test
    void thePartnerSeesTheSameGoalTheOtherWayRoundWithTheSameFigures() {
        projections.deliver(log.at("2026-12-10T09:00:00Z", new PartnershipGoalSet("sla", GP, DERM, "slaMetRate",
                "atLeast", 0.9, null, "urgent", null, "outgoing", "Agreed at the quarterly review")));

        GoalEvaluation.Result result = goal(partnerships.detail(DERM, GP, NOV, DEC, 30), "sla");

        assertThat(result.goal().partner()).isEqualTo(GP);
        assertThat(result.goal().direction()).isEqualTo("incoming");
        assertThat(result.actual()).isEqualTo(0.75);
        assertThat(result.missedPeriods()).containsExactly("2026-11");
    }

    @Test
    void aMedianTriageGoalInHoursIsMetAtOrBelowTheTargetEitherWay() {
        projections.deliver(log.at("2026-12-10T09:00:00Z", new PartnershipGoalSet("triage", DERM, GP,
                "sentToAccepted.medianHours", "atMost", 24, null, null, null, "both", "Triage within a day")));

        GoalEvaluation.Result result = goal(partnerships.detail(GP, DERM, NOV, DEC, 30), "triage");

        // Triage in 24, 120, 24 h (November: median rank 2 = 24 h) and 24, 24 h (December): 24 h overall (rank 3 of 5).
        assertThat(result.actual()).isEqualTo(24.0);
        assertThat(result.met()).isTrue();
        assertThat(result.periods()).extracting(GoalEvaluation.Period::actual).containsExactly(24.0, 24.0);
        assertThat(result.missedPeriods()).isEmpty();
    }

    @Test
    void aReciprocityGoalComparesBothDirectionsMonthByMonth() {
        projections.deliver(log.at("2026-12-10T09:00:00Z", new PartnershipGoalSet("recip", GP, DERM, "reciprocity",
                "atLeast", 0.5, null, null, null, "both", "A two-way partnership")));

        GoalEvaluation.Result result = goal(partnerships.detail(GP, DERM, NOV, DEC, 30), "recip");

        // November 3 sent, 1 received: 0.3333; December 2 sent, none received: 0; overall 5 and 1: 0.2.
        assertThat(result.actual()).isEqualTo(0.2);
        assertThat(result.periods()).extracting(GoalEvaluation.Period::actual).containsExactly(0.3333, 0.0);
        assertThat(result.missedPeriods()).containsExactly("2026-11", "2026-12");
    }

    @Test
    void aMonthWithoutReferralsIsNotMeasured() {
        projections.deliver(log.at("2026-12-10T09:00:00Z", new PartnershipGoalSet("sla", GP, DERM, "slaMetRate",
                "atLeast", 0.9, null, "urgent", null, "outgoing", "Agreed")));

        GoalEvaluation.Result result = goal(partnerships.detail(GP, DERM, NOV, YearMonth.of(2027, 1), 30), "sla");

        assertThat(result.periods().get(2)).isEqualTo(new GoalEvaluation.Period("2027-01", null, null));
        assertThat(result.missedPeriods()).containsExactly("2026-11");
    }

    @Test
    void aWithdrawnGoalIsListedAsWithdrawnButNoLongerMeasured() {
        projections.deliver(log.at("2026-12-10T09:00:00Z", new PartnershipGoalSet("leak", GP, DERM, "leakageRate",
                        "atMost", 0.1, null, null, null, "both", "Keep patients in the network")),
                log.at("2026-12-11T09:00:00Z", new PartnershipGoalWithdrawn("leak", GP, DERM, "Not measurable yet")));

        List<PartnershipGoalView> goals = partnerships.goals(DERM, GP);

        assertThat(goals).hasSize(1);
        assertThat(goals.get(0).status()).isEqualTo(PartnershipGoalView.WITHDRAWN);
        assertThat(goals.get(0).withdrawReason()).isEqualTo("Not measurable yet");
        assertThat(goals.get(0).withdrawnAt()).isEqualTo(Instant.parse("2026-12-11T09:00:00Z"));
        assertThat(goals.get(0).version()).isEqualTo(2);
        assertThat(partnerships.detail(GP, DERM, NOV, DEC, 30).goals()).isEmpty();
    }

    @Test
    void goalsAreSeenOnlyByTheTwoOrganisationsOfThePartnership() {
        projections.deliver(log.at("2026-12-10T09:00:00Z", new PartnershipGoalSet("sla", GP, DERM, "slaMetRate",
                "atLeast", 0.9, null, null, null, "both", "Agreed")));

        assertThat(partnerships.goal("sla", GP)).isPresent();
        assertThat(partnerships.goal("sla", DERM)).isPresent();
        assertThat(partnerships.goal("sla", CARDIO)).isEmpty();
        assertThat(partnerships.goals(CARDIO, GP)).isNull();
    }

    @Test
    void aGoalSetBeforeAnyReferralMakesThePartnershipVisibleWithNothingMeasured() {
        projections.deliver(log.at("2026-12-10T09:00:00Z", new PartnershipGoalSet("new", GP, CARDIO, "slaMetRate",
                "atLeast", 0.9, null, null, null, "both", "A new partnership")));

        PartnershipReadModel.Detail detail = partnerships.detail(CARDIO, GP, NOV, DEC, 30);

        assertThat(detail).isNotNull();
        assertThat(goal(detail, "new").actual()).isNull();
        assertThat(goal(detail, "new").met()).isNull();
    }

    private static GoalEvaluation.Result goal(PartnershipReadModel.Detail detail, String goalId) {
        return detail.goals().stream().filter(g -> g.goal().goalId().equals(goalId)).findFirst().orElseThrow();
    }
}

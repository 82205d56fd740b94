package dev.careloop.web.partnership;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A partnership's goals against their targets, from the API's JSON (docs/ANALYTICS.md, "Partnership goals"). */
class GoalsTest {

    private static Map<String, Object> goal(String measure, String comparison, double target, String priority,
                                            String direction, Object withinDays) {
        Map<String, Object> goal = new HashMap<>();
        goal.put("measure", measure);
        goal.put("comparison", comparison);
        goal.put("target", target);
        goal.put("priority", priority);
        goal.put("direction", direction);
        goal.put("withinDays", withinDays);
        goal.put("setBy", "Dr Tom Okafor");
        goal.put("setAt", "2026-11-02T10:00:00Z");
        goal.put("reason", "Agreed at the quarterly review");
        return goal;
    }

    private static Map<String, Object> measured(Map<String, Object> goal, Object actual, Object met,
                                                List<Map<String, Object>> periods, List<String> missed) {
        Map<String, Object> m = new HashMap<>();
        m.put("goal", goal);
        m.put("actual", actual);
        m.put("met", met);
        m.put("periods", periods);
        m.put("missedPeriods", missed);
        return m;
    }

    private static Map<String, Object> period(String month, Object actual, Object met) {
        Map<String, Object> p = new HashMap<>();
        p.put("month", month);
        p.put("actual", actual);
        p.put("met", met);
        return p;
    }

    @Test
    void aRateGoalReadsInWordsWithItsVerdictAndItsMonthsAgainstTheTarget() {
        Map<String, Object> detail = Map.of("goals", List.of(measured(
                goal("slaMetRate", "atLeast", 0.9, "urgent", "outgoing", null), 0.75, false,
                List.of(period("2026-11", 0.5, false), period("2026-12", 1.0, true), period("2027-01", null, null)),
                List.of("2026-11"))));

        Goals.Goal g = Goals.of(detail, "Riverside").get(0);

        assertThat(g.description())
                .isEqualTo("Triaged within the SLA: at least 90 %, urgent referrals you send to Riverside");
        assertThat(g.verdict()).isEqualTo("Missed");
        assertThat(g.actual()).isEqualTo("75 %");
        assertThat(g.missedPeriods()).containsExactly("2026-11");
        assertThat(g.reason()).isEqualTo("Agreed at the quarterly review");
        assertThat(g.chart().rows()).containsExactly(List.of("2026-11", "50 %", "missed"),
                List.of("2026-12", "100 %", "met"), List.of("2027-01", "none", ""));
        assertThat(g.chart().svg()).contains("class=\"target-line\"", ">Target 90 %</text>",
                "class=\"bar series-0 missed\"");
    }

    @Test
    void aTurnaroundGoalIsAtMostSomeHoursAndALoopGoalNamesItsDays() {
        Map<String, Object> detail = Map.of("goals", Arrays.asList(
                measured(goal("sentToAccepted.medianHours", "atMost", 48, null, "both", null), 10, true,
                        List.of(period("2026-12", 10, true)), List.of()),
                measured(goal("loopClosureRate", "atLeast", 0.95, null, "incoming", 30), null, null, List.of(),
                        List.of())));

        List<Goals.Goal> goals = Goals.of(detail, "Riverside");

        assertThat(goals.get(0).description()).isEqualTo("Median sent → accepted: at most 48 h");
        assertThat(goals.get(0).verdict()).isEqualTo("Met");
        assertThat(goals.get(0).chart().rows()).containsExactly(List.of("2026-12", "10 h", "met"));
        assertThat(goals.get(1).description())
                .isEqualTo("Loops closed within 30 days: at least 95 %, you receive from Riverside");
        assertThat(goals.get(1).verdict()).isEqualTo("Not measured");
        assertThat(goals.get(1).chart()).as("no months to draw").isNull();
    }

    @Test
    void noGoalsWhereTheApiNamesNone() {
        assertThat(Goals.of(Map.of("from", "2026-12"), "Riverside")).isEmpty();
    }
}

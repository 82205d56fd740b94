package dev.careloop.web.partnership;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The partnership page's charts from the API's JSON (GET /api/partnerships/{partner}), as the page receives it. */
class PartnershipChartsTest {

    private static Map<String, Object> measures(int referrals, Double loopClosureRate, Double slaMetRate,
                                                Integer triageMedian) {
        java.util.HashMap<String, Object> m = new java.util.HashMap<>();
        m.put("referrals", referrals);
        m.put("loopClosureRate", loopClosureRate);
        m.put("slaMetRate", slaMetRate);
        java.util.HashMap<String, Object> triage = new java.util.HashMap<>();
        triage.put("count", triageMedian == null ? 0 : 1);
        triage.put("medianHours", triageMedian);
        triage.put("p90Hours", triageMedian == null ? null : triageMedian * 2);
        m.put("turnarounds", Map.of("sentToAccepted", triage));
        return m;
    }

    private static final Map<String, Object> DETAIL = Map.of(
            "from", "2026-10", "to", "2026-12", "targetDays", 30,
            "total", Map.of("outgoing", measures(4, 0.5, 0.75, 10), "incoming", measures(1, null, 1.0, 100)),
            "months", List.of(
                    Map.of("month", "2026-10", "direction", "outgoing", "measures", measures(3, 0.5, 1.0, 10)),
                    Map.of("month", "2026-12", "direction", "outgoing", "measures", measures(1, 0.5, 0.0, 10)),
                    Map.of("month", "2026-12", "direction", "incoming", "measures", measures(1, null, 1.0, 100))));

    @Test
    void everyMonthOfThePeriodIsACategoryAndAMonthWithoutReferralsCountsNone() {
        BarChart reciprocity = PartnershipCharts.of(DETAIL, "Riverside").get(0);

        assertThat(reciprocity.columns()).containsExactly("Month", "Sent to Riverside", "Received from Riverside");
        assertThat(reciprocity.rows()).containsExactly(List.of("2026-10", "3", "0"), List.of("2026-11", "0", "0"),
                List.of("2026-12", "1", "1"));
    }

    @Test
    void turnaroundsShowTheMedianAndNinetiethPercentileOfEachStepEachWay() {
        List<BarChart> charts = PartnershipCharts.of(DETAIL, "Riverside");

        assertThat(charts).extracting(BarChart::id).containsExactly("reciprocity", "turnaround-outgoing",
                "turnaround-incoming", "loop-closure", "sla");
        assertThat(charts.get(1).rows().get(0)).containsExactly("Sent → accepted", "10 h", "20 h");
        assertThat(charts.get(2).rows().get(0)).containsExactly("Sent → accepted", "4 d", "8 d");
        assertThat(charts.get(1).rows().get(2)).containsExactly("Sent → seen", "none", "none");
    }

    @Test
    void theEarliestOfferedSlotIsAStepWhereTheApiMeasuresIt() {
        assertThat(PartnershipCharts.of(DETAIL, "Riverside").get(1).rows()).hasSize(6);
        Map<String, Object> withSlot = new java.util.HashMap<>(DETAIL);
        Map<String, Object> outgoing = measures(4, 0.5, 0.75, 10);
        outgoing.put("turnarounds", Map.of("sentToEarliestSlot", Map.of("count", 2, "medianHours", 48,
                "p90Hours", 120)));
        withSlot.put("total", Map.of("outgoing", outgoing, "incoming", measures(1, null, 1.0, 100)));

        List<List<String>> rows = PartnershipCharts.of(withSlot, "Riverside").get(1).rows();

        assertThat(rows).hasSize(7);
        assertThat(rows.get(6)).containsExactly("Sent → earliest slot", "48 h", "5 d");
    }

    @Test
    void thePartnershipsListHasAnEarliestSlotColumnOnlyWhereTheApiMeasuresIt() {
        Map<String, Object> without = Map.of("partnerships", List.of(Map.of("outgoing", measures(1, null, null, 5))));
        Map<String, Object> outgoing = measures(1, null, null, 5);
        outgoing.put("turnarounds", Map.of("sentToEarliestSlot", Map.of("count", 0)));
        Map<String, Object> with = Map.of("partnerships", List.of(Map.of("outgoing", outgoing)));

        assertThat(PartnershipsPage.measuresEarliestSlot(without)).isFalse();
        assertThat(PartnershipsPage.measuresEarliestSlot(with)).isTrue();
        assertThat(PartnershipsPage.measuresEarliestSlot(Map.of("partnerships", List.of()))).isFalse();
    }

    @Test
    void ratesAreGapsWhereAMonthHasNoReferralsExpectingThem() {
        BarChart closure = PartnershipCharts.of(DETAIL, "Riverside").get(3);

        assertThat(closure.title()).isEqualTo("Loops closed within 30 days");
        assertThat(closure.rows()).containsExactly(List.of("2026-10", "50 %", "none"),
                List.of("2026-11", "none", "none"), List.of("2026-12", "50 %", "none"));
        assertThat(PartnershipCharts.of(DETAIL, "Riverside").get(4).rows().get(2))
                .containsExactly("2026-12", "0 %", "100 %");
    }
}

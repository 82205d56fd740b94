package dev.careloop.web.partnership;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The charts of a partnership page, drawn from the API's answer to GET /api/partnerships/{partner}
 * (docs/ANALYTICS.md defines each measure): referrals each way per month, each turnaround's median and 90th
 * percentile each way, and the loop closure and SLA met rates per month against their targets.
 */
final class PartnershipCharts {

    /** The turnarounds in the API's names and in the page's words, in the order a referral goes through them. */
    static final Map<String, String> TURNAROUNDS = turnarounds();

    private PartnershipCharts() {
    }

    private static Map<String, String> turnarounds() {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("sentToAccepted", "Sent → accepted");
        names.put("sentToBooked", "Sent → booked");
        names.put("sentToSeen", "Sent → seen");
        names.put("sentToOutcome", "Sent → outcome");
        names.put("outcomeToAcknowledged", "Outcome → ack.");
        names.put("sentToAcknowledged", "Sent → ack.");
        names.put("sentToEarliestSlot", "Sent → earliest slot");
        return names;
    }

    static List<BarChart> of(Map<String, Object> detail, String partnerName) {
        List<String> months = months(String.valueOf(detail.get("from")), String.valueOf(detail.get("to")));
        Map<String, Map<String, Object>> outgoing = byMonth(detail, "outgoing");
        Map<String, Map<String, Object>> incoming = byMonth(detail, "incoming");
        Map<String, Object> total = map(detail.get("total"));
        int targetDays = number(detail.get("targetDays")) == null ? 30 : number(detail.get("targetDays")).intValue();
        String sentName = "Sent to " + partnerName;
        String receivedName = "Received from " + partnerName;
        List<BarChart> charts = new ArrayList<>();
        charts.add(new BarChart("reciprocity", "Referrals each way by month",
                "Referrals your organisation sent to " + partnerName + " and received from it, per month sent, "
                        + "from " + months.get(0) + " to " + months.get(months.size() - 1) + ".",
                "Month", BarChart.Scale.COUNT, months, List.of(
                new BarChart.Series(sentName, counts(months, outgoing, "referrals")),
                new BarChart.Series(receivedName, counts(months, incoming, "referrals"))), null));
        charts.add(turnarounds("turnaround-outgoing", "How " + partnerName + " handles your referrals",
                "Median and 90th percentile time of each step for the referrals you sent to " + partnerName + ".",
                map(total.get("outgoing"))));
        charts.add(turnarounds("turnaround-incoming", "How you handle " + partnerName + "'s referrals",
                "Median and 90th percentile time of each step for the referrals " + partnerName + " sent you.",
                map(total.get("incoming"))));
        charts.add(new BarChart("loop-closure", "Loops closed within " + targetDays + " days",
                "Share of the referrals expecting a report whose outcome was acknowledged within " + targetDays
                        + " days of sending, per month sent, each way.",
                "Month", BarChart.Scale.SHARE, months, List.of(
                new BarChart.Series(sentName, rates(months, outgoing, "loopClosureRate")),
                new BarChart.Series(receivedName, rates(months, incoming, "loopClosureRate"))),
                null));
        charts.add(new BarChart("sla", "Triaged within the SLA",
                "Share of referrals accepted or declined by the due time of their priority, per month sent, each way.",
                "Month", BarChart.Scale.SHARE, months, List.of(
                new BarChart.Series(sentName, rates(months, outgoing, "slaMetRate")),
                new BarChart.Series(receivedName, rates(months, incoming, "slaMetRate"))),
                null));
        return charts;
    }

    private static BarChart turnarounds(String id, String title, String summary, Map<String, Object> measures) {
        Map<String, Object> all = map(measures.get("turnarounds"));
        List<String> steps = new ArrayList<>();
        List<Double> medians = new ArrayList<>();
        List<Double> p90s = new ArrayList<>();
        TURNAROUNDS.forEach((name, words) -> {
            // The earliest offered slot only where the API measures it.
            if (name.equals("sentToEarliestSlot") && !all.containsKey(name)) {
                return;
            }
            Map<String, Object> t = map(all.get(name));
            steps.add(words);
            medians.add(number(t.get("medianHours")));
            p90s.add(number(t.get("p90Hours")));
        });
        return new BarChart(id, title, summary, "Step", BarChart.Scale.HOURS, steps, List.of(
                new BarChart.Series("Median", medians), new BarChart.Series("90th percentile", p90s)), null);
    }

    /** Every month from..to: a month without referrals is a gap in the chart, not a missing category. */
    static List<String> months(String from, String to) {
        List<String> months = new ArrayList<>();
        YearMonth last = YearMonth.parse(to);
        for (YearMonth m = YearMonth.parse(from); !m.isAfter(last); m = m.plusMonths(1)) {
            months.add(m.toString());
        }
        return months;
    }

    private static Map<String, Map<String, Object>> byMonth(Map<String, Object> detail, String direction) {
        Map<String, Map<String, Object>> months = new LinkedHashMap<>();
        if (detail.get("months") instanceof List<?> lines) {
            for (Object line : lines) {
                Map<String, Object> l = map(line);
                if (direction.equals(l.get("direction"))) {
                    months.put(String.valueOf(l.get("month")), map(l.get("measures")));
                }
            }
        }
        return months;
    }

    private static List<Double> counts(List<String> months, Map<String, Map<String, Object>> measures, String field) {
        return months.stream().map(m -> {
            Double v = number(map(measures.get(m)).get(field));
            return v == null ? 0.0 : v;
        }).toList();
    }

    private static List<Double> rates(List<String> months, Map<String, Map<String, Object>> measures, String field) {
        return months.stream().map(m -> number(map(measures.get(m)).get(field))).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static Double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : null;
    }
}

package dev.careloop.web.partnership;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.careloop.web.partnership.PartnershipCharts.map;
import static dev.careloop.web.partnership.PartnershipCharts.number;

/**
 * A partnership's goals against their targets, from the {@code goals} of GET /api/partnerships/{partner}
 * (docs/ANALYTICS.md, "Partnership goals"): each goal in words, whether the period met it, the months that missed
 * it, and a chart of its value month by month with the target as a dashed line and each missing month marked.
 */
public final class Goals {

    private Goals() {
    }

    /** One goal as the page shows it. */
    public record Goal(String description, String verdict, String actual, List<String> missedPeriods, String setBy,
                       String setAt, String reason, BarChart chart, String goalId, boolean ours) {
    }

    /**
     * The measures a goal can be set on, in the page's words (the API's GoalMeasure codes): the shares first, then
     * each turnaround's median and 90th percentile.
     */
    static Map<String, String> choices() {
        Map<String, String> choices = new java.util.LinkedHashMap<>();
        for (String code : dev.careloop.api.partnership.GoalMeasure.codes()) {
            choices.put(code, measureWords(code, null) + (hours(code) ? " (hours)" : " (%)"));
        }
        return choices;
    }

    /** Whether a measure is in hours (a turnaround) rather than a share. */
    static boolean hours(String measure) {
        return measure != null && measure.endsWith("Hours");
    }

    /** The active goals the API measured; none when the API names none. */
    static List<Goal> of(Map<String, Object> detail, String partnerName) {
        List<Goal> goals = new ArrayList<>();
        if (!(detail.get("goals") instanceof List<?> measured)) {
            return goals;
        }
        for (Object item : measured) {
            Map<String, Object> m = map(item);
            Map<String, Object> goal = map(m.get("goal"));
            String measure = String.valueOf(goal.get("measure"));
            boolean atLeast = !"atMost".equals(goal.get("comparison"));
            BarChart.Scale scale = measure.endsWith("Hours") ? BarChart.Scale.HOURS : BarChart.Scale.SHARE;
            Double target = number(goal.get("target"));
            String description = describe(goal, measure, atLeast, scale, target, partnerName);
            List<String> months = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            if (m.get("periods") instanceof List<?> periods) {
                for (Object p : periods) {
                    Map<String, Object> period = map(p);
                    months.add(String.valueOf(period.get("month")));
                    values.add(number(period.get("actual")));
                }
            }
            BarChart chart = months.isEmpty() ? null : new BarChart("goal-" + (goals.size() + 1), description,
                    "The goal's measure per month sent, against its target of " + format(scale, target) + ".",
                    "Month", scale, months, List.of(new BarChart.Series("Value", values)),
                    target == null ? null : new BarChart.Target(target, "Target " + format(scale, target), atLeast));
            Object met = m.get("met");
            String verdict = met == null ? "Not measured" : Boolean.TRUE.equals(met) ? "Met" : "Missed";
            List<String> missed = m.get("missedPeriods") instanceof List<?> l
                    ? l.stream().map(String::valueOf).toList() : List.of();
            goals.add(new Goal(description, verdict, format(scale, number(m.get("actual"))), missed,
                    text(goal.get("setBy")), text(goal.get("setAt")), text(goal.get("reason")), chart,
                    text(goal.get("goalId")), goal.get("setByOrganisation") != null
                    && goal.get("setByOrganisation").equals(detail.get("organisation"))));
        }
        return goals;
    }

    /** "Triaged within the SLA: at least 90 %, urgent referrals you send". */
    static String describe(Map<String, Object> goal, String measure, boolean atLeast, BarChart.Scale scale,
                           Double target, String partnerName) {
        StringBuilder words = new StringBuilder(measureWords(measure, goal.get("withinDays")));
        words.append(": ").append(atLeast ? "at least " : "at most ").append(format(scale, target));
        List<String> about = new ArrayList<>();
        if (goal.get("priority") != null) {
            about.add(goal.get("priority") + " referrals");
        }
        if (goal.get("service") != null) {
            about.add("for " + goal.get("service"));
        }
        Object direction = goal.get("direction");
        if ("outgoing".equals(direction)) {
            about.add("you send to " + partnerName);
        } else if ("incoming".equals(direction)) {
            about.add("you receive from " + partnerName);
        }
        if (!about.isEmpty()) {
            words.append(", ").append(String.join(" ", about));
        }
        return words.toString();
    }

    private static String measureWords(String measure, Object withinDays) {
        return switch (measure) {
            case "slaMetRate" -> "Triaged within the SLA";
            case "loopClosureRate" -> "Loops closed within " + (withinDays == null ? "the target" : withinDays + " days");
            case "reciprocity" -> "Reciprocity";
            case "leakageRate" -> "Leakage";
            default -> {
                int dot = measure.indexOf('.');
                String turnaround = dot < 0 ? measure : measure.substring(0, dot);
                String step = PartnershipCharts.TURNAROUNDS.getOrDefault(turnaround, turnaround);
                yield (measure.endsWith(".p90Hours") ? "90th percentile " : "Median ") + step.toLowerCase(Locale.ROOT);
            }
        };
    }

    private static String format(BarChart.Scale scale, Double value) {
        if (value == null) {
            return "–";
        }
        return scale == BarChart.Scale.HOURS ? BarChart.hours(value)
                : String.format(Locale.ROOT, "%.0f %%", value * 100);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}

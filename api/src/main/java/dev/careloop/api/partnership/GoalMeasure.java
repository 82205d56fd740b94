package dev.careloop.api.partnership;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A measure a partnership goal can target (docs/ANALYTICS.md, "Partnership goals"): its code, whether the goal is met
 * at or above the target ({@code AT_LEAST}, rates) or at or below it ({@code AT_MOST}, hours and leakage), and the
 * targets that make sense. One closed list: the aggregate validates against it and analytics evaluates it.
 */
public record GoalMeasure(String code, Comparison comparison, double min, double max, String unit) {

    public enum Comparison {
        AT_LEAST("atLeast"), AT_MOST("atMost");

        private final String code;

        Comparison(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public boolean met(double actual, double target) {
            return this == AT_LEAST ? actual >= target : actual <= target;
        }
    }

    /** The turnarounds a goal can set a median or 90th percentile (hours) for. */
    public static final List<String> TURNAROUNDS = List.of("sentToAccepted", "sentToBooked", "sentToSeen",
            "sentToOutcome", "outcomeToAcknowledged", "sentToAcknowledged", "sentToEarliestSlot");

    /** The one measure that needs {@code withinDays}: the share of loops closed within that many days. */
    public static final String LOOP_CLOSURE_RATE = "loopClosureRate";
    public static final String RECIPROCITY = "reciprocity";

    private static final Map<String, GoalMeasure> ALL;

    static {
        Map<String, GoalMeasure> all = new LinkedHashMap<>();
        for (GoalMeasure m : List.of(
                new GoalMeasure("slaMetRate", Comparison.AT_LEAST, 0, 1, "share"),
                new GoalMeasure(LOOP_CLOSURE_RATE, Comparison.AT_LEAST, 0, 1, "share"),
                new GoalMeasure(RECIPROCITY, Comparison.AT_LEAST, 0, 1, "share"),
                new GoalMeasure("leakageRate", Comparison.AT_MOST, 0, 1, "share"))) {
            all.put(m.code(), m);
        }
        for (String turnaround : TURNAROUNDS) {
            for (String percentile : List.of("medianHours", "p90Hours")) {
                String code = turnaround + "." + percentile;
                all.put(code, new GoalMeasure(code, Comparison.AT_MOST, 0, 24 * 3650, "hours"));
            }
        }
        ALL = Collections.unmodifiableMap(all);
    }

    /** The measure of {@code code}, or null when there is none. */
    public static GoalMeasure of(String code) {
        return code == null ? null : ALL.get(code);
    }

    public static List<String> codes() {
        return new ArrayList<>(ALL.keySet());
    }

    /** The turnaround a turnaround measure reads ({@code sentToAccepted}), or null for a rate. */
    public String turnaround() {
        int dot = code.indexOf('.');
        return dot < 0 ? null : code.substring(0, dot);
    }

    /** {@code medianHours} or {@code p90Hours} for a turnaround measure, else null. */
    public String percentile() {
        int dot = code.indexOf('.');
        return dot < 0 ? null : code.substring(dot + 1);
    }
}

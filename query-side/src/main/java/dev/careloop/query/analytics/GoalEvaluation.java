package dev.careloop.query.analytics;

import dev.careloop.api.partnership.GoalDirection;
import dev.careloop.api.partnership.GoalMeasure;
import dev.careloop.api.partnership.PartnershipGoalView;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A partnership's measures against its goals (docs/ANALYTICS.md, "Partnership goals"): for each goal, the measure
 * over the whole period and in each month of it, over the referrals the goal is about (its priority, service and
 * direction), met or missed. Without a referral to measure, the value is null and so is {@code met}.
 */
final class GoalEvaluation {

    /** One month of a goal: the measure's value then, and whether it met the target. */
    record Period(String month, Double actual, Boolean met) {
    }

    /** A goal, the measure over the period, whether it met the target, each month, and the months that missed. */
    record Result(PartnershipGoalView goal, Double actual, Boolean met, List<Period> periods,
                  List<String> missedPeriods) {
    }

    private GoalEvaluation() {
    }

    static Result evaluate(PartnershipGoalRow goal, String viewer, List<PartnershipReadModel.Line> lines,
                           YearMonth from, YearMonth to) {
        GoalMeasure measure = GoalMeasure.of(goal.measure());
        List<PartnershipReadModel.Line> about = lines.stream().filter(about(goal, viewer)).toList();
        Double actual = value(measure, goal, about);
        List<Period> periods = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        for (YearMonth month = from; !month.isAfter(to); month = month.plusMonths(1)) {
            YearMonth m = month;
            Double value = value(measure, goal, about.stream()
                    .filter(l -> YearMonth.from(l.month().key().month()).equals(m)).toList());
            Boolean met = met(measure, goal, value);
            periods.add(new Period(month.toString(), value, met));
            if (Boolean.FALSE.equals(met)) {
                missed.add(month.toString());
            }
        }
        return new Result(goal.view(viewer), actual, met(measure, goal, actual), periods, missed);
    }

    private static Boolean met(GoalMeasure measure, PartnershipGoalRow goal, Double value) {
        return value == null || measure == null ? null : measure.comparison().met(value, goal.target());
    }

    /** The lines a goal is about: its priority and service if it names them, its direction as the viewer sees it. */
    private static Predicate<PartnershipReadModel.Line> about(PartnershipGoalRow goal, String viewer) {
        GoalDirection direction = goal.directionFor(viewer);
        return l -> (goal.priority() == null || goal.priority().equals(l.month().key().priority()))
                && (goal.service() == null || goal.service().equals(l.month().key().service()))
                && (direction == GoalDirection.BOTH || direction.code().equals(l.direction()));
    }

    /** The measure's value over some lines, or null when nothing is counted under it. */
    static Double value(GoalMeasure measure, PartnershipGoalRow goal, List<PartnershipReadModel.Line> lines) {
        if (measure == null || lines.isEmpty()) {
            return null;
        }
        if (GoalMeasure.RECIPROCITY.equals(measure.code())) {
            int sent = 0;
            int received = 0;
            for (PartnershipReadModel.Line l : lines) {
                if (PartnershipReadModel.OUTGOING.equals(l.direction())) {
                    sent += l.month().counts().referrals();
                } else {
                    received += l.month().counts().referrals();
                }
            }
            int most = Math.max(sent, received);
            return most == 0 ? null : Measures.rate(Math.min(sent, received), most);
        }
        int targetDays = goal.withinDays() == null ? 30 : goal.withinDays();
        Measures m = PartnershipReadModel.measuresOf(lines, targetDays);
        if (measure.turnaround() != null) {
            Measures.Turnaround t = m.turnarounds().get(measure.turnaround());
            Long hours = t == null ? null : "p90Hours".equals(measure.percentile()) ? t.p90Hours() : t.medianHours();
            return hours == null ? null : hours.doubleValue();
        }
        return switch (measure.code()) {
            case "slaMetRate" -> m.slaMetRate();
            case GoalMeasure.LOOP_CLOSURE_RATE -> m.loopClosureRate();
            case "leakageRate" -> m.leakageRate();
            default -> null;
        };
    }
}

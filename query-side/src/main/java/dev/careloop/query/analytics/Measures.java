package dev.careloop.query.analytics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The measures of a set of referrals (docs/ANALYTICS.md has each definition): counts, rates and turnarounds. Rates
 * are null when nothing is counted under them; a loop is closed when its outcome was acknowledged less than
 * {@code targetDays} after the referral was sent.
 */
record Measures(int referrals, int accepted, int declined, int forwarded, int cancelled, int booked, int seen,
                int outcomes, int acknowledged, int slaMet, int slaMissed, Double slaMetRate, int noShows,
                int reschedules, int held, double holdHours, int targetDays, long loopsClosed, Double loopClosureRate,
                Map<String, Turnaround> turnarounds, Map<String, Integer> declinedByCategory,
                Map<String, Integer> forwardedByCategory, int visitsCancelled, int visitsCancelledBySender,
                int visitsCancelledByRecipient, int leaked, Double leakageRate, int leakageDays) {

    /** One turnaround: how many referrals reached the step, and the median and 90th percentile in hours. */
    record Turnaround(long count, Long medianHours, Long p90Hours) {

        static Turnaround of(Histogram histogram) {
            return new Turnaround(histogram.count(), histogram.percentileHours(0.5), histogram.percentileHours(0.9));
        }
    }

    static Measures of(AnalyticsMonth.Counts c, AnalyticsMonth.Turnarounds t, int targetDays) {
        long closed = t.closed().countUnder(targetDays);
        Map<String, Turnaround> turnarounds = new LinkedHashMap<>();
        turnarounds.put("sentToAccepted", Turnaround.of(t.triage()));
        turnarounds.put("sentToBooked", Turnaround.of(t.booked()));
        turnarounds.put("sentToSeen", Turnaround.of(t.seen()));
        turnarounds.put("sentToOutcome", Turnaround.of(t.outcome()));
        turnarounds.put("outcomeToAcknowledged", Turnaround.of(t.acknowledge()));
        turnarounds.put("sentToAcknowledged", Turnaround.of(t.closed()));
        turnarounds.put("sentToEarliestSlot", Turnaround.of(t.slot()));
        return new Measures(c.referrals(), c.accepted(), c.declined(), c.forwarded(), c.cancelled(), c.booked(),
                c.seen(), c.outcomes(), c.acknowledged(), c.slaMet(), c.slaMissed(),
                rate(c.slaMet(), c.referrals()), c.noShows(), c.reschedules(), c.held(),
                Math.round(c.holdSeconds() / 36.0) / 100.0, targetDays, closed,
                rate(closed, c.referrals() - c.declined() - c.cancelled()), turnarounds,
                c.declinedByCategory().counts(), c.forwardedByCategory().counts(), c.visitsCancelled(),
                c.visitsCancelledBySender(), c.visitsCancelledByRecipient(), c.leaked(),
                rate(c.leaked(), c.declined() + c.cancelled()), AnalyticsReferral.LEAKAGE_DAYS);
    }

    /** A share rounded to 4 decimals, or null when there is nothing to share out. */
    static Double rate(long part, long whole) {
        return whole <= 0 ? null : Math.round(part * 10000.0 / whole) / 10000.0;
    }
}

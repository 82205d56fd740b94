package dev.careloop.api.partnership;

import java.util.List;

/**
 * A partnership's measures in one month (UTC, by month sent), both directions together (docs/ANALYTICS.md), as the
 * FHIR MeasureReport carries them: {@code organisation} and {@code partner} are the two organisations, the first by
 * id first. Each value names its measure (a {@link GoalMeasure} code) with its score (null: nothing to measure) and,
 * for the shares, numerator and denominator; a turnaround's denominator is how many referrals reached the step.
 */
public record PartnershipMeasures(String organisation, String partner, String month, List<Value> values) {

    public record Value(String measure, Double score, Long numerator, Long denominator) {
    }
}

package dev.careloop.api.partnership;

/**
 * {@code organisation} set a goal on its partnership with {@code partner} (see {@link SetPartnershipGoal});
 * {@code comparison} is the measure's ({@link GoalMeasure.Comparison#code()}), {@code direction} seen from
 * {@code organisation}. Who set it and when travel as the event's metadata and time.
 */
public record PartnershipGoalSet(String goalId, String organisation, String partner, String measure,
                                 String comparison, double target, Integer withinDays, String priority,
                                 String service, String direction, String reason) implements PartnershipGoalEvent {
}

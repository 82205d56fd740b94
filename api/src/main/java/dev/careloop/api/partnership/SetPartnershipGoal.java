package dev.careloop.api.partnership;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The caller's organisation sets a goal on its partnership with {@code partner}: {@code measure} (a {@link
 * GoalMeasure} code) at or above / at or below {@code target}; {@code withinDays} for the loop closure rate only;
 * optionally only for one {@code priority} and one {@code service}; {@code direction} (a {@link GoalDirection} code,
 * both by default) seen from the caller; and why.
 */
public record SetPartnershipGoal(@TargetAggregateIdentifier String goalId, String partner, String measure,
                                 Double target, Integer withinDays, String priority, String service,
                                 String direction, @FreeText String reason) {
}

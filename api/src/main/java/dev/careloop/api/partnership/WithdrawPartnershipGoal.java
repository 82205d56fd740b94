package dev.careloop.api.partnership;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The organisation that set a goal on its partnership with {@code partner} withdraws it, saying why. */
public record WithdrawPartnershipGoal(@TargetAggregateIdentifier String goalId, String partner,
                                      @FreeText String reason) {
}

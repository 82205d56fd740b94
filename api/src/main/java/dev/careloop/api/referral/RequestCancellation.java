package dev.careloop.api.referral;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The initiator asks for the referral to be cancelled. */
public record RequestCancellation(@TargetAggregateIdentifier String referralId, @FreeText String reason) {
}

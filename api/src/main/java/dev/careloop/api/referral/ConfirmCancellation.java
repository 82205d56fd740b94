package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving organisation confirms the requested cancellation. */
public record ConfirmCancellation(@TargetAggregateIdentifier String referralId) {
}

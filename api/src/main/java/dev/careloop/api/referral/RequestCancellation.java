package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The initiator asks for the referral to be cancelled. */
public record RequestCancellation(@TargetAggregateIdentifier String referralId, String reason) {
}

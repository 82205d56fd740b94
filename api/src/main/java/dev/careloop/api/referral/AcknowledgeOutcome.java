package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The initiator acknowledges the outcome: the loop is closed. */
public record AcknowledgeOutcome(@TargetAggregateIdentifier String referralId) {
}

package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving organisation takes the referral back from whoever it was assigned to. */
public record UnassignReferral(@TargetAggregateIdentifier String referralId) {
}

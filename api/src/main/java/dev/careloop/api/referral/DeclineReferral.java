package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving organisation declines the referral, with a reason. */
public record DeclineReferral(@TargetAggregateIdentifier String referralId, String reason) {
}

package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving organisation accepts the referral. */
public record AcceptReferral(@TargetAggregateIdentifier String referralId) {
}

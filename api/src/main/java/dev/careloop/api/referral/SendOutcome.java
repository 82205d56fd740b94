package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving clinician returns the outcome (consult report). */
public record SendOutcome(@TargetAggregateIdentifier String referralId, String report) {
}

package dev.careloop.api.referral;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving organisation cancels the referral's booked visit (its appointment); the referral stays open. */
public record CancelVisit(@TargetAggregateIdentifier String referralId, @FreeText String reason) {
}

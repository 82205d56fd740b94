package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The patient did not attend the referral's booked visit (marks the referral's appointment as a no-show). */
public record RecordNoShow(@TargetAggregateIdentifier String referralId) {
}

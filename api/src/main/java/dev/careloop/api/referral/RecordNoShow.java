package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The patient did not attend the booked visit. */
public record RecordNoShow(@TargetAggregateIdentifier String referralId) {
}

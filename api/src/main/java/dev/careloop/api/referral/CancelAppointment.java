package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving organisation cancels the booked visit (the referral stays open). */
public record CancelAppointment(@TargetAggregateIdentifier String referralId, String reason) {
}

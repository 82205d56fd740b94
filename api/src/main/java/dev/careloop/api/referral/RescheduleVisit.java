package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving organisation moves the booked visit. */
public record RescheduleVisit(@TargetAggregateIdentifier String referralId, Appointment appointment, String reason) {
}

package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving organisation books the visit. */
public record ScheduleVisit(@TargetAggregateIdentifier String referralId, Appointment appointment) {
}

package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving organisation cancels the booked visit; the referral stays open (see ScheduleVisit). */
public record CancelVisit(@TargetAggregateIdentifier String referralId, String appointmentId,
                          long appointmentVersion, String reason) {
}

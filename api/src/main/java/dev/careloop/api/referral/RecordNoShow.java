package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The patient did not attend the booked visit ({@code appointmentId} and its version: see ScheduleVisit). */
public record RecordNoShow(@TargetAggregateIdentifier String referralId, String appointmentId,
                           long appointmentVersion) {
}

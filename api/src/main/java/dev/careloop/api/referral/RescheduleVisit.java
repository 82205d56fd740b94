package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving organisation moves the booked visit ({@code appointmentId} and its version: see ScheduleVisit). */
public record RescheduleVisit(@TargetAggregateIdentifier String referralId, String appointmentId,
                              long appointmentVersion, Appointment appointment, String reason) {
}

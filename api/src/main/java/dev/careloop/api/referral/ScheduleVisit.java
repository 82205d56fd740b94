package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Sent by the process manager when the referral's appointment was booked: the referral follows it to
 * scheduled (5.1.1). {@code appointmentVersion} makes redelivery harmless.
 */
public record ScheduleVisit(@TargetAggregateIdentifier String referralId, String appointmentId,
                            long appointmentVersion, Appointment appointment) {
}

package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Sent by the process manager, never by a client: the referral's appointment changed, and the referral's
 * business status follows. {@code appointmentVersion} is the appointment's version after the change; the
 * referral ignores a version it has already followed, so redelivery changes nothing.
 */
public record FollowAppointment(@TargetAggregateIdentifier String referralId, String appointmentId,
                                long appointmentVersion, Change change, Appointment appointment, String reason) {

    /** What happened to the appointment. */
    public enum Change { BOOKED, RESCHEDULED, NO_SHOW, CANCELLED }
}

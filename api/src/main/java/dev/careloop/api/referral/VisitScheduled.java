package dev.careloop.api.referral;

/**
 * The referral's visit was booked: appointment {@code appointmentId} reached version {@code appointmentVersion}
 * (0 in events written before appointments were their own aggregate).
 */
public record VisitScheduled(String referralId, String appointmentId, long appointmentVersion,
                             Appointment appointment, ReferralStatus status) implements ReferralEvent {
}

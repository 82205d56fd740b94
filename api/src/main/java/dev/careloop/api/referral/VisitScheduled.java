package dev.careloop.api.referral;

/** The referral's visit was booked (appointment {@code appointmentId}). */
public record VisitScheduled(String referralId, String appointmentId, Appointment appointment,
                             ReferralStatus status) implements ReferralEvent {
}

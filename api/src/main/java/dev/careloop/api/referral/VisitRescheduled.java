package dev.careloop.api.referral;

/** The referral's booked visit was moved. */
public record VisitRescheduled(String referralId, String appointmentId, Appointment appointment, String reason,
                               ReferralStatus status) implements ReferralEvent {
}

package dev.careloop.api.referral;

/** The booked visit was moved. */
public record VisitRescheduled(String referralId, Appointment appointment, String reason, ReferralStatus status) implements ReferralEvent {
}

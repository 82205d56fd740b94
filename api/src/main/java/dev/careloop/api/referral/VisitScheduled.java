package dev.careloop.api.referral;

/** A visit was booked. */
public record VisitScheduled(String referralId, Appointment appointment, ReferralStatus status) implements ReferralEvent {
}

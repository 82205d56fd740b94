package dev.careloop.api.referral;

/** The booked visit was cancelled. */
public record AppointmentCancelled(String referralId, String reason, ReferralStatus status) implements ReferralEvent {
}

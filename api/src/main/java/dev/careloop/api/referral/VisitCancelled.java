package dev.careloop.api.referral;

/** The referral's booked visit was cancelled; the referral stays open. */
public record VisitCancelled(String referralId, String appointmentId, String reason, ReferralStatus status)
        implements ReferralEvent {
}

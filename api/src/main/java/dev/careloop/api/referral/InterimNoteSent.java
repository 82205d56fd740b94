package dev.careloop.api.referral;

/** An interim consult note was sent. */
public record InterimNoteSent(String referralId, String note, ReferralStatus status) implements ReferralEvent {
}

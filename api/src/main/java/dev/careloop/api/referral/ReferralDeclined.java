package dev.careloop.api.referral;

/** The recipient declined the referral. */
public record ReferralDeclined(String referralId, String reason, ReferralStatus status) implements ReferralEvent {
}

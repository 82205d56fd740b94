package dev.careloop.api.referral;

/** The recipient accepted the referral. */
public record ReferralAccepted(String referralId, ReferralStatus status) implements ReferralEvent {
}

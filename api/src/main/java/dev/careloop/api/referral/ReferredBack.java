package dev.careloop.api.referral;

/** The recipient opened a new referral back to the initiator. */
public record ReferredBack(String referralId, String newReferralId, ReferralStatus status) implements ReferralEvent {
}

package dev.careloop.api.referral;

/** The recipient confirmed the cancellation. */
public record CancellationConfirmed(String referralId, ReferralStatus status) implements ReferralEvent {
}

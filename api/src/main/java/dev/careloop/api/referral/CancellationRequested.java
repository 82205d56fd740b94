package dev.careloop.api.referral;

/** The initiator asked for cancellation. */
public record CancellationRequested(String referralId, String reason, ReferralStatus status) implements ReferralEvent {
}

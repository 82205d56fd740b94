package dev.careloop.api.referral;

/** The initiator acknowledged the outcome: the loop is closed. */
public record OutcomeAcknowledged(String referralId, ReferralStatus status) implements ReferralEvent {
}

package dev.careloop.api.referral;

/** The outcome (consult report) was returned. */
public record OutcomeSent(String referralId, String report, ReferralStatus status) implements ReferralEvent {
}

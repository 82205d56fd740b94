package dev.careloop.api.referral;

/** The patient did not attend. */
public record NoShowRecorded(String referralId, ReferralStatus status) implements ReferralEvent {
}

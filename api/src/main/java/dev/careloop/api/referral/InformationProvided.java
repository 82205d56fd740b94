package dev.careloop.api.referral;

/** The initiator answered; the referral resumed in {@code status}. */
public record InformationProvided(String referralId, String answer, ReferralStatus status) implements ReferralEvent {
}

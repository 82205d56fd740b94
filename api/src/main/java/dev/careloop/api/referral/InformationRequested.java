package dev.careloop.api.referral;

/** The recipient asked the initiator for information; the referral is on hold. */
public record InformationRequested(String referralId, String question, ReferralStatus status) implements ReferralEvent {
}

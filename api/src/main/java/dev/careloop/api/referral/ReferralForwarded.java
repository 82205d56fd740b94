package dev.careloop.api.referral;

/** The referral was handed to another organisation, now its recipient. */
public record ReferralForwarded(String referralId, String fromOrganisation, String toOrganisation, String reason, ReferralStatus status) implements ReferralEvent {
}

package dev.careloop.api.referral;

/** The referral is no longer assigned to {@code assignee}: the receiving organisation took it back. */
public record ReferralUnassigned(String referralId, String assignee, String assigneeName, ReferralStatus status)
        implements ReferralEvent {
}

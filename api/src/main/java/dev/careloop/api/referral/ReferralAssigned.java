package dev.careloop.api.referral;

/** The receiving organisation assigned the referral to {@code assignee} (a subject), named {@code assigneeName}. */
public record ReferralAssigned(String referralId, String assignee, String assigneeName, ReferralStatus status)
        implements ReferralEvent {
}

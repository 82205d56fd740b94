package dev.careloop.api.referral;

import java.time.Instant;
/** The referral was not triaged by its service-level due time. */
public record ReferralSlaMissed(String referralId, Instant dueAt, ReferralStatus status) implements ReferralEvent {
}

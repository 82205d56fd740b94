package dev.careloop.api.access;

/**
 * What {@link AccessPolicy} decided for one read, and why in words an auditor can read.
 *
 * @param outcome what the caller gets
 * @param rule    the row of the policy table that decided (docs/CONSENT.md names them)
 * @param reason  why, for the audit trail (refusals are told to the caller as "no such ..." only)
 */
public record AccessDecision(Outcome outcome, String rule, String reason) {

    public enum Outcome {
        /** Everything, as it is now. */
        FULL,
        /** What existed while the caller was a party: the state when its part ended, nothing written after. */
        AS_WHEN_LEFT,
        /** Break-the-glass: the read goes ahead outside consent and is recorded as an emergency access. */
        EMERGENCY,
        /** Refused: a 404 (or 403) for the caller, RecordAccessDenied with {@code reason} for the audit. */
        REFUSED,
        /** The request itself is incomplete (an emergency read without a justification): a 400. */
        INVALID
    }

    public boolean allowed() {
        return outcome == Outcome.FULL || outcome == Outcome.AS_WHEN_LEFT || outcome == Outcome.EMERGENCY;
    }
}

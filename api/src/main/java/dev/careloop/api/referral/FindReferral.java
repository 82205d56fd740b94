package dev.careloop.api.referral;

/**
 * Ask for the current view of a referral as {@code organisation} may see it, once its projection has
 * reached at least {@code minVersion} (0 for "whatever is there").
 */
public record FindReferral(String referralId, String organisation, long minVersion) {
}

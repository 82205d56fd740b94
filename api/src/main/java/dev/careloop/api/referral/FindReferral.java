package dev.careloop.api.referral;

/**
 * Ask for the current view of a referral as {@code organisation} may see it, once its projection has handled log
 * position {@code position} (the newest event of a write; negative: at once).
 */
public record FindReferral(String referralId, String organisation, long position) {
}

package dev.careloop.api.partnership;

/**
 * Ask for the measures of the partnership of {@code first} and {@code second} in {@code month} (yyyy-MM), for
 * {@code caller}'s organisation: null when the caller is neither of the two, or the two never exchanged a referral.
 */
public record FindPartnershipMeasures(String caller, String first, String second, String month) {
}

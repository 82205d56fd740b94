package dev.careloop.api.partnership;

/**
 * Ask for the measures of every partnership of {@code organisation} in each month from {@code from} to {@code to}
 * (yyyy-MM) in which the two exchanged a referral; {@code organisation} null for the whole network.
 */
public record ListPartnershipMeasures(String organisation, String from, String to) {
}

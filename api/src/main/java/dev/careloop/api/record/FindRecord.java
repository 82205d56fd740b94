package dev.careloop.api.record;

/**
 * Ask for a shared record as {@code organisation} may see it, once its projection has reached at least
 * {@code minVersion} (0 for "whatever is there"); null when that organisation may not see it.
 */
public record FindRecord(String recordId, String organisation, long minVersion) {
}

package dev.careloop.api.record;

/**
 * Ask for a shared record as {@code organisation} may see it, once its projection has handled log position
 * {@code position} (the newest event of a write; negative: at once); null when that organisation may not see it.
 */
public record FindRecord(String recordId, String organisation, long position) {
}

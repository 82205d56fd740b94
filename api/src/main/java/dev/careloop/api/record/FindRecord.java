package dev.careloop.api.record;

/**
 * Ask for a shared record as {@code organisation} may see it, once its projection has handled log position
 * {@code position} (the newest event of a write; negative: at once) and shows at least {@code minVersion} (a write
 * whose last event a process manager appends after the answer); null when that organisation may not see it.
 */
public record FindRecord(String recordId, String organisation, long minVersion, long position) {
}

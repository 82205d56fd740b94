package dev.careloop.api.record;

import java.time.Instant;

/**
 * The content of one version went to {@code organisation} for {@code purposeOfUse} (the accounting of
 * disclosures; the user, roles and request are in the metadata). Recorded before the first byte is sent.
 */
public record RecordDisclosed(String recordId, String organisation, String purposeOfUse, int version,
                              String sha256, long size, Instant at) implements RecordEvent {
}

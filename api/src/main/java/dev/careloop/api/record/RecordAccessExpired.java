package dev.careloop.api.record;

import java.time.Instant;

/** The period the record was shared for ended: no recipient may read it any more. */
public record RecordAccessExpired(String recordId, Instant validUntil) implements RecordEvent {
}

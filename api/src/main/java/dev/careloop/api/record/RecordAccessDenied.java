package dev.careloop.api.record;

import java.time.Instant;

/**
 * A read of a record's content was refused (the caller saw a 404), with the reason for the auditor. Not an
 * event of the record itself: it is published on its own, so a stranger's attempt never touches the record.
 */
public record RecordAccessDenied(String recordId, String organisation, String purposeOfUse, Integer version,
                                 String reason, Instant at) implements RecordEvent {
}

package dev.careloop.api.record;

import dev.careloop.api.Patient;

import java.time.Instant;
import java.util.List;

/**
 * A shared record as one organisation sees it: the author sees every grant, a recipient only its own.
 * {@code currentVersion} numbers the document (1, 2, ... per amendment); {@code version} is the record's
 * revision for ETag and If-Match (shares, amendments, revocations and expiry count; downloads do not).
 */
public record RecordView(
        String recordId,
        String referralId,
        String authorOrganisation,
        Patient patient,
        DocumentType documentType,
        String title,
        String description,
        String purpose,
        Instant validUntil,
        int currentVersion,
        RecordContent content,
        List<RecordGrant> grants,
        Instant createdAt,
        Instant updatedAt,
        long version) {
}

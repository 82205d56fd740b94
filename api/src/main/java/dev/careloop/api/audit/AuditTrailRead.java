package dev.careloop.api.audit;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * A compliance officer read the audit trail: who ({@code officer} of {@code organisation}, or platform-wide), which
 * operation (search, disclosures, referral-as-of, ...), with which parameters, and how many entries it returned.
 * Published on its own (not an aggregate's event), so that reading the log is itself in the log.
 */
public record AuditTrailRead(String officer, String organisation, boolean platformWide, String operation,
                             Map<String, String> query, long entriesReturned, Instant at) {

    public AuditTrailRead {
        // Sorted, so the stored JSON reads the same whatever order the parameters came in.
        query = query == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(query));
    }
}

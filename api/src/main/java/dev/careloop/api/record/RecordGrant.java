package dev.careloop.api.record;

import java.time.Instant;

/** One recipient's access to a record: {@code status} is active, revoked or expired. */
public record RecordGrant(String organisation, String purpose, Instant validUntil, String status, Instant revokedAt,
                          String revokeReason) {

    public static final String ACTIVE = "active";
    public static final String REVOKED = "revoked";
    public static final String EXPIRED = "expired";
}

package dev.careloop.query.record;

import dev.careloop.api.record.RecordGrant;
import dev.careloop.query.replay.Column;
import dev.careloop.query.replay.RowTable;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

import static dev.careloop.query.replay.RowValues.instant;
import static dev.careloop.query.replay.RowValues.stored;

/** A row of record_grant: one recipient organisation's consent to read a record. */
final class GrantRow {

    String recordId;
    String organisation;
    String purpose;
    Instant validUntil;
    Instant grantedAt;
    Instant revokedAt;
    String revokeReason;
    Instant expiredAt;

    static final RowTable<GrantRow> TABLE = RowTable.<GrantRow>named("record_grant")
            .column("record_id", g -> g.recordId)
            .column("organisation", g -> g.organisation)
            .column("purpose", g -> g.purpose)
            .column("valid_until", g -> g.validUntil)
            .column("granted_at", g -> g.grantedAt)
            .column("revoked_at", g -> g.revokedAt)
            .column("revoke_reason", g -> g.revokeReason)
            .column("expired_at", g -> g.expiredAt)
            .key("record_id", "organisation")
            .reader(GrantRow::read);

    static final Column<GrantRow> RECORD_ID = TABLE.column("record_id");

    /** Neither revoked nor expired: what a revocation or the expiry still changes. */
    boolean open() {
        return revokedAt == null && expiredAt == null;
    }

    /** The grant as its record's author sees it at {@code at}: expired once its period has run out by then. */
    RecordGrant view(Instant at) {
        String status = revokedAt != null ? RecordGrant.REVOKED
                : expiredAt != null || (validUntil != null && !stored(validUntil).isAfter(at)) ? RecordGrant.EXPIRED
                : RecordGrant.ACTIVE;
        return new RecordGrant(organisation, purpose, stored(validUntil), status, stored(revokedAt), revokeReason);
    }

    private static GrantRow read(ResultSet rs) throws SQLException {
        GrantRow g = new GrantRow();
        g.recordId = rs.getString("record_id");
        g.organisation = rs.getString("organisation");
        g.purpose = rs.getString("purpose");
        g.validUntil = instant(rs.getTimestamp("valid_until"));
        g.grantedAt = instant(rs.getTimestamp("granted_at"));
        g.revokedAt = instant(rs.getTimestamp("revoked_at"));
        g.revokeReason = rs.getString("revoke_reason");
        g.expiredAt = instant(rs.getTimestamp("expired_at"));
        return g;
    }
}

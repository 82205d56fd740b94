package dev.careloop.query.record;

import dev.careloop.api.record.RecordGrant;
import dev.careloop.api.record.RecordView;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.careloop.query.replay.RowValues.instant;

/**
 * Reads the shared-record tables, always as one organisation may see them: the author everything, a
 * recipient only while its grant is active (not revoked, not expired, before valid_until), and nobody else.
 */
@Component
class RecordReadModel {

    /** A grant that lets its organisation read the record right now. */
    private static final String ACTIVE = "g.revoked_at IS NULL AND g.expired_at IS NULL AND g.valid_until > now()";
    private static final String VISIBLE = "(v.author_org = ? OR EXISTS (SELECT 1 FROM record_grant g "
            + "WHERE g.record_id = v.record_id AND g.organisation = ? AND " + ACTIVE + "))";

    record Filter(String box, String patientId, String referralId) {
    }

    record Page(List<RecordView> items, int page, int size, long totalItems, int totalPages) {
    }

    record Version(int version, String contentSha256, long size, String mediaType, String title, String reason,
                   Instant createdAt, String createdBy) {
    }

    /** {@code userName} is the person's name when a person read it; null for a service account or partner. */
    record DisclosureEntry(Instant disclosedAt, String organisation, String user, String userName, String roles,
                           String client,
                           String purposeOfUse, int version, String contentSha256, String correlationId) {
    }

    private final JdbcTemplate jdbc;

    RecordReadModel(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Optional<RecordView> find(String recordId, String organisation) {
        return jdbc.query("SELECT * FROM record_view v WHERE v.record_id = ? AND " + VISIBLE,
                (rs, i) -> view(rs, organisation), recordId, organisation, organisation).stream().findFirst();
    }

    boolean isAuthor(String recordId, String organisation) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM record_view WHERE record_id = ? AND author_org = ?)", Boolean.class,
                recordId, organisation));
    }

    Page list(String organisation, Filter filter, int page, int size) {
        StringBuilder where = new StringBuilder();
        List<Object> args = new ArrayList<>();
        switch (filter.box() == null ? "all" : filter.box()) {
            case "shared-by-me" -> where.append("v.author_org = ?");
            case "shared-with-me" -> {
                where.append("EXISTS (SELECT 1 FROM record_grant g WHERE g.record_id = v.record_id "
                        + "AND g.organisation = ? AND " + ACTIVE + ")");
            }
            default -> {
                where.append(VISIBLE);
                args.add(organisation);
            }
        }
        args.add(organisation);
        if (filter.patientId() != null) {
            where.append(" AND v.patient_id = ?");
            args.add(filter.patientId());
        }
        if (filter.referralId() != null) {
            where.append(" AND v.referral_id = ?");
            args.add(filter.referralId());
        }
        Long total = jdbc.queryForObject("SELECT count(*) FROM record_view v WHERE " + where, Long.class,
                args.toArray());
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(size);
        pageArgs.add((long) page * size);
        List<RecordView> items = jdbc.query("SELECT * FROM record_view v WHERE " + where
                        + " ORDER BY v.updated_at DESC, v.record_id LIMIT ? OFFSET ?",
                (rs, i) -> view(rs, organisation), pageArgs.toArray());
        long totalItems = total == null ? 0 : total;
        return new Page(items, page, size, totalItems, (int) ((totalItems + size - 1) / size));
    }

    List<Version> versions(String recordId) {
        return jdbc.query("SELECT * FROM record_version WHERE record_id = ? ORDER BY version",
                (rs, i) -> new Version(rs.getInt("version"), rs.getString("content_sha256"),
                        rs.getLong("content_size"), rs.getString("media_type"), rs.getString("title"),
                        rs.getString("reason"), instant(rs, "created_at"), rs.getString("created_by")), recordId);
    }

    List<DisclosureEntry> disclosures(String recordId) {
        return jdbc.query("SELECT * FROM record_disclosure WHERE record_id = ? ORDER BY sequence_number",
                (rs, i) -> new DisclosureEntry(instant(rs, "disclosed_at"), rs.getString("organisation"),
                        rs.getString("user_id"), rs.getString("user_name"), rs.getString("roles"), rs.getString("client"),
                        rs.getString("purpose_of_use"), rs.getInt("version"), rs.getString("content_sha256"),
                        rs.getString("correlation_id")), recordId);
    }

    /** The author sees every recipient's grant; a recipient only its own. */
    private RecordView view(ResultSet rs, String organisation) throws SQLException {
        String recordId = rs.getString("record_id");
        boolean author = organisation.equals(rs.getString("author_org"));
        List<RecordGrant> grants = jdbc.query("SELECT *, CASE WHEN revoked_at IS NOT NULL THEN 'revoked' "
                        + "WHEN expired_at IS NOT NULL OR valid_until <= now() THEN 'expired' ELSE 'active' END AS status "
                        + "FROM record_grant WHERE record_id = ?" + (author ? "" : " AND organisation = ?")
                        + " ORDER BY organisation",
                (g, i) -> new RecordGrant(g.getString("organisation"), g.getString("purpose"),
                        instant(g, "valid_until"), g.getString("status"), instant(g, "revoked_at"),
                        g.getString("revoke_reason")),
                author ? new Object[] {recordId} : new Object[] {recordId, organisation});
        return RecordRow.TABLE.reader().read(rs).view(grants);
    }
}

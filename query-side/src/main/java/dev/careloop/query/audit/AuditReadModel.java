package dev.careloop.query.audit;

import dev.careloop.api.Actor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.careloop.query.replay.RowValues.instant;

/** Reads audit_entry, always within one officer's scope. */
@Component
public class AuditReadModel {

    /**
     * The accounting of disclosures: event types that put a patient's data in another's hands, and by which
     * channel: a record read by an organisation, and every change delivered to a partner EHR (DisclosedToPartner).
     */
    static final Map<String, String> DISCLOSURE_CHANNELS = Map.of("RecordDisclosed", "record-download",
            "DisclosedToPartner", "partner-ehr");

    /**
     * Every filter optional; {@code from} inclusive, {@code to} exclusive. {@code includeOversight} false leaves out
     * the compliance officers' own lookups ({@link #OVERSIGHT_EVENT}, and the access log's oversight reads): still
     * accounted for, only not listed.
     */
    public record Filter(String patientId, String user, String organisation, String referralId, String recordId,
                  String appointmentId, List<String> types, String client, String purposeOfUse, String requestId,
                  Instant from, Instant to, boolean includeOversight) {

        /** The same filter, oversight included or not. */
        public Filter withOversight(boolean included) {
            return new Filter(patientId, user, organisation, referralId, recordId, appointmentId, types, client,
                    purposeOfUse, requestId, from, to, included);
        }
    }

    /** The event of an officer's read of the audit trail itself: oversight, as the access log's oversight reads. */
    static final String OVERSIGHT_EVENT = "AuditTrailRead";

    public record Entry(long globalIndex, String eventId, Instant occurredAt, String eventType, String description,
                 String aggregateType, String aggregateId, Long sequence, String referralId, String recordId,
                 String appointmentId, String patientId, String user, String userName, String actedBy, String organisation, String roles,
                 String client, String purposeOfUse, String correlationId, String causationId, JsonNode details) {
    }

    public record Page(List<Entry> items, int page, int size, long totalItems, int totalPages) {
    }

    /** One disclosure: which version of which record went to whom, read by whom, why, when, in which request. */
    record Disclosure(Instant at, String channel, String recordId, Integer version, String disclosedTo,
                      String user, String organisation, String client, String purposeOfUse, String correlationId,
                      String eventId) {
    }

    /** In {@code type}, every event type: {@code type=ReadAccess,*} asks for the reads and every event, merged. */
    static final String EVERY_EVENT_TYPE = "*";

    /** What an organisation refused a record it is no party to reads as the reason: what its caller was told. */
    static final String STRANGERS_REASON = "no such record";

    /**
     * A break-the-glass read of a record: who, for which organisation, which version, why; and its review, if done.
     */
    record EmergencyAccess(String accessId, String recordId, String recordTitle, String patientId, Instant at,
                           String user, String organisation, String ownerOrganisation, Integer version,
                           String justification, boolean reviewed, Instant reviewedAt, String reviewer,
                           String reviewNote, String eventId) {
    }

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final RowMapper<Entry> entry;

    AuditReadModel(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        this.entry = this::entry;
    }

    public Page search(ComplianceScope.Officer officer, Filter filter, boolean ascending, int page, int size) {
        List<Object> args = new ArrayList<>();
        String where = where(officer, filter, args);
        Long total = jdbc.queryForObject("SELECT count(*) FROM audit_entry e WHERE " + where, Long.class,
                args.toArray());
        String direction = ascending ? " ASC" : " DESC";
        List<Object> selectArgs = new ArrayList<>();
        String strangersDenial = strangersDenial(officer, selectArgs);
        selectArgs.addAll(args);
        selectArgs.add(size);
        selectArgs.add((long) page * size);
        List<Entry> items = jdbc.query("SELECT e.*, " + strangersDenial + " AS strangers_denial FROM audit_entry e "
                + "WHERE " + where + " ORDER BY e.occurred_at" + direction + ", e.global_index" + direction
                + " LIMIT ? OFFSET ?", entry, selectArgs.toArray());
        long totalItems = total == null ? 0 : total;
        return new Page(items, page, size, totalItems, pages(totalItems, size));
    }

    /**
     * Whether the officer's part of the trail names the patient at all (under this id or its alias): a patient it
     * does not is one it may not learn exists.
     */
    public boolean knows(ComplianceScope.Officer officer, String patientId) {
        List<Object> args = new ArrayList<>();
        String where = where(officer, new Filter(patientId, null, null, null, null, null, null, null, null, null,
                null, null, true), args);
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM audit_entry e WHERE " + where
                + ")", Boolean.class, args.toArray()));
    }

    List<Disclosure> disclosures(ComplianceScope.Officer officer, String patientId, Instant from, Instant to) {
        List<Object> args = new ArrayList<>();
        String where = where(officer, new Filter(patientId, null, null, null, null, null,
                List.copyOf(DISCLOSURE_CHANNELS.keySet()), null, null, null, from, to, true), args);
        return jdbc.query("SELECT * FROM audit_entry e WHERE " + where + " ORDER BY e.occurred_at, e.global_index",
                (rs, i) -> {
                    JsonNode details = json.readTree(rs.getString("details"));
                    JsonNode version = details.path("version");
                    return new Disclosure(instant(rs, "occurred_at"),
                            DISCLOSURE_CHANNELS.get(rs.getString("event_type")), rs.getString("record_id"),
                            version.isNumber() ? version.asInt() : null,
                            details.path("organisation").isString() ? details.path("organisation").asString()
                                    : details.path("partnerOrganisation").isString()
                                    ? details.path("partnerOrganisation").asString() : null,
                            rs.getString("actor_user"), rs.getString("actor_org"), rs.getString("client"),
                            // The purpose the disclosure was made for, as the record decided it.
                            details.path("purposeOfUse").isString() ? details.path("purposeOfUse").asString()
                                    : rs.getString("purpose_of_use"),
                            rs.getString("correlation_id"), rs.getString("event_id"));
                }, args.toArray());
    }

    /**
     * The emergency accesses to records {@code officer}'s organisation owns (or made), newest first;
     * {@code reviewed} null for all.
     */
    List<EmergencyAccess> emergencyAccesses(ComplianceScope.Officer officer, Boolean reviewed) {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder("u.event_type = 'EmergencyAccessUsed'");
        if (!officer.platformWide()) {
            where.append(" AND (u.details->>'ownerOrganisation' = ? OR u.actor_org = ?)");
            args.add(officer.organisation());
            args.add(officer.organisation());
        }
        if (reviewed != null) {
            where.append(reviewed ? " AND r.event_id IS NOT NULL" : " AND r.event_id IS NULL");
        }
        return jdbc.query("""
                SELECT u.event_id, u.occurred_at, u.record_id, u.patient_id, u.actor_user, u.actor_org, u.details,
                       s.label, r.event_id AS review_id, r.occurred_at AS reviewed_at, r.actor_user AS reviewer,
                       r.details AS review
                  FROM audit_entry u
                  LEFT JOIN audit_subject s ON s.aggregate_id = u.record_id
                  LEFT JOIN audit_entry r ON r.event_type = 'EmergencyAccessReviewed' AND r.record_id = u.record_id
                       AND r.details->>'accessId' = u.details->>'accessId'
                 WHERE\s""" + where + " ORDER BY u.occurred_at DESC, u.global_index DESC", (rs, i) -> {
            JsonNode d = json.readTree(rs.getString("details"));
            String review = rs.getString("review");
            JsonNode note = review == null ? null : json.readTree(review).path("note");
            return new EmergencyAccess(d.path("accessId").asString(), rs.getString("record_id"),
                    rs.getString("label"), rs.getString("patient_id"), instant(rs, "occurred_at"),
                    rs.getString("actor_user"), rs.getString("actor_org"), d.path("ownerOrganisation").asString(),
                    d.path("version").isNumber() ? d.path("version").asInt() : null,
                    d.path("justification").isString() ? d.path("justification").asString() : null,
                    rs.getString("review_id") != null, instant(rs, "reviewed_at"), rs.getString("reviewer"),
                    note != null && note.isString() ? note.asString() : null, rs.getString("event_id"));
        }, args.toArray());
    }

    private static String where(ComplianceScope.Officer officer, Filter f, List<Object> args) {
        StringBuilder where = new StringBuilder("TRUE");
        if (!officer.platformWide()) {
            // Its own work, and the entries of aggregates it is party to (a former party: up to when it left).
            where.append(" AND (e.actor_org = ? OR EXISTS (SELECT 1 FROM audit_party p "
                    + "WHERE p.aggregate_id = e.aggregate_id AND p.organisation = ? "
                    + "AND (p.until_global_index IS NULL OR e.global_index <= p.until_global_index)))");
            args.add(officer.organisation());
            args.add(officer.organisation());
        }
        if (f.patientId() != null) {
            // A patient named by an unkeyed id before the migration: entries under either id are the patient's.
            where.append(" AND e.patient_id IN (SELECT ?::text UNION SELECT old_patient_id FROM patient_id_alias "
                    + "WHERE new_patient_id = ? UNION SELECT new_patient_id FROM patient_id_alias WHERE old_patient_id = ?)");
            args.add(f.patientId());
            args.add(f.patientId());
            args.add(f.patientId());
        }
        if (f.patientId() != null && !officer.platformWide()) {
            // A patient's history never lists a refusal the officer's organisation met on a record it is no party to.
            where.append(" AND NOT ").append(strangersDenial(officer, args));
        }
        equal(where, args, "e.actor_user", f.user());
        equal(where, args, "e.actor_org", f.organisation());
        equal(where, args, "e.referral_id", f.referralId());
        equal(where, args, "e.record_id", f.recordId());
        equal(where, args, "e.appointment_id", f.appointmentId());
        equal(where, args, "e.client", f.client());
        equal(where, args, "e.purpose_of_use", f.purposeOfUse());
        equal(where, args, "e.correlation_id", f.requestId());
        // "*" stands for every event type (type=ReadAccess,* is the reads and every event, merged).
        if (f.types() != null && !f.types().isEmpty() && !f.types().contains(EVERY_EVENT_TYPE)) {
            where.append(" AND e.event_type = ANY(?::text[])");
            args.add(f.types().toArray(String[]::new));
        }
        if (!f.includeOversight()) {
            where.append(" AND e.event_type <> '").append(OVERSIGHT_EVENT).append("'");
        }
        if (f.from() != null) {
            where.append(" AND e.occurred_at >= ?");
            args.add(Timestamp.from(f.from()));
        }
        if (f.to() != null) {
            where.append(" AND e.occurred_at < ?");
            args.add(Timestamp.from(f.to()));
        }
        return where.toString();
    }

    /**
     * SQL true for a RecordAccessDenied of a record the officer's organisation is no party to: it sees its own
     * refusal (who, when, which record id), but not whose record it was, nor why it was refused beyond "not for you":
     * the patient and the reason (no such record, not shared) would tell it what it was refused.
     */
    private static String strangersDenial(ComplianceScope.Officer officer, List<Object> args) {
        if (officer.platformWide()) {
            return "FALSE";
        }
        args.add(officer.organisation());
        return "(e.event_type = 'RecordAccessDenied' AND NOT EXISTS (SELECT 1 FROM audit_party p "
                + "WHERE p.aggregate_id = e.aggregate_id AND p.organisation = ?))";
    }

    /** How many pages of {@code size} hold {@code total} entries. */
    static int pages(long total, int size) {
        return (int) ((total + size - 1) / size);
    }

    /** {@code AND column = ?} when the filter names a value. */
    static void equal(StringBuilder where, List<Object> args, String column, String value) {
        if (value != null) {
            where.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    private Entry entry(ResultSet rs, int row) throws SQLException {
        JsonNode details = json.readTree(rs.getString("details"));
        String description = rs.getString("description");
        String patientId = rs.getString("patient_id");
        if (rs.getBoolean("strangers_denial")) {
            patientId = null;
            ((ObjectNode) details).put("reason", STRANGERS_REASON);
            description = AuditDescriptions.describe(rs.getString("event_type"), rs.getString("actor_org"),
                    rs.getString("aggregate_id"), details);
        }
        return new Entry(rs.getLong("global_index"), rs.getString("event_id"), instant(rs, "occurred_at"),
                rs.getString("event_type"), description, rs.getString("aggregate_type"),
                rs.getString("aggregate_id"), rs.getObject("sequence_number", Long.class), rs.getString("referral_id"),
                rs.getString("record_id"), rs.getString("appointment_id"), patientId,
                rs.getString("actor_user"), rs.getString("actor_name"),
                Actor.shownAs(rs.getString("actor_name"), rs.getString("client"), rs.getString("actor_user")),
                rs.getString("actor_org"), rs.getString("actor_roles"), rs.getString("client"), rs.getString("purpose_of_use"),
                rs.getString("correlation_id"), rs.getString("causation_id"), details);
    }
}

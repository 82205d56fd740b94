package dev.careloop.query.audit;

import dev.careloop.api.Actor;
import dev.careloop.api.PurposeOfUse;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static dev.careloop.query.replay.RowValues.instant;

/**
 * The access log (every read of patient data, V41's {@code access_entry}) in the audit search, as entries of type
 * {@code ReadAccess}: asked for by name ({@code type=ReadAccess}, alone or with event types), since reads outnumber
 * everything else. An officer sees its organisation's reads and every read of a referral, record or appointment it
 * is or was party to, refusals of strangers included; a stranger's officer sees its own refusal as "no such ...".
 */
@Component
class ReadAccessEntries {

    static final String TYPE = "ReadAccess";
    /** The patient of the referral, record or appointment a read named, as the audit trail knows it. */
    private static final String SUBJECTS_PATIENT = "(SELECT s.patient_id FROM audit_subject s "
            + "WHERE s.aggregate_id = split_part(a.resource_id, '/', 1))";

    /**
     * SQL true for a read made for compliance oversight: by a compliance officer (the compliance role and no clinical
     * one: a person who also treats is never hidden by this) for purpose HCOMPL, as the console's own patient lookups.
     * Roles are stored sorted and comma-joined.
     */
    static final String OVERSIGHT_READ = "(a.purpose_of_use = '" + PurposeOfUse.COMPLIANCE + "'"
            + " AND (',' || a.roles || ',') LIKE '%," + Actor.COMPLIANCE + ",%'"
            + " AND (',' || a.roles || ',') NOT LIKE '%," + Actor.CLINICIAN + ",%'"
            + " AND (',' || a.roles || ',') NOT LIKE '%," + Actor.COORDINATOR + ",%')";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final AuditReadModel events;

    ReadAccessEntries(JdbcTemplate jdbc, ObjectMapper json, AuditReadModel events) {
        this.jdbc = jdbc;
        this.json = json;
        this.events = events;
    }

    static boolean asked(List<String> types) {
        return types != null && types.contains(TYPE);
    }

    /** The search with reads: reads alone, or merged in time order with the event entries of the other types. */
    AuditReadModel.Page search(ComplianceScope.Officer officer, AuditReadModel.Filter filter, boolean ascending,
                               int page, int size) {
        List<String> eventTypes = filter.types().stream().filter(t -> !t.equals(TYPE)).toList();
        List<Object> args = new ArrayList<>();
        String where = where(officer, filter, args);
        Long readCount = jdbc.queryForObject("SELECT count(*) FROM access_entry a WHERE " + where, Long.class,
                args.toArray());
        long reads = readCount == null ? 0 : readCount;
        if (eventTypes.isEmpty()) {
            return new AuditReadModel.Page(reads(officer, where, args, ascending, (long) page * size, size), page, size,
                    reads, AuditReadModel.pages(reads, size));
        }
        // Both sorted by time: the first (page + 1) * size of each hold the page of their merge.
        int upTo = (page + 1) * size;
        AuditReadModel.Page found = events.search(officer, new AuditReadModel.Filter(filter.patientId(),
                filter.user(), filter.organisation(), filter.referralId(), filter.recordId(), filter.appointmentId(),
                eventTypes, filter.client(), filter.purposeOfUse(), filter.requestId(), filter.from(), filter.to(),
                filter.includeOversight()),
                ascending, 0, upTo);
        List<AuditReadModel.Entry> merged = new ArrayList<>(found.items());
        merged.addAll(reads(officer, where, args, ascending, 0, upTo));
        Comparator<AuditReadModel.Entry> byTime = Comparator.comparing(AuditReadModel.Entry::occurredAt);
        merged.sort(ascending ? byTime : byTime.reversed());
        long total = found.totalItems() + reads;
        List<AuditReadModel.Entry> items = merged.subList(Math.min(merged.size(), page * size),
                Math.min(merged.size(), upTo));
        return new AuditReadModel.Page(List.copyOf(items), page, size, total, AuditReadModel.pages(total, size));
    }

    private List<AuditReadModel.Entry> reads(ComplianceScope.Officer officer, String where, List<Object> args,
                                             boolean ascending, long offset, int limit) {
        List<Object> selectArgs = new ArrayList<>();
        String party = party(officer, selectArgs);
        selectArgs.addAll(args);
        selectArgs.add(limit);
        selectArgs.add(offset);
        String direction = ascending ? " ASC" : " DESC";
        return jdbc.query("SELECT a.*, " + party + " AS party, " + SUBJECTS_PATIENT + " AS subjects_patient, "
                + OVERSIGHT_READ + " AS oversight "
                + "FROM access_entry a WHERE " + where
                + " ORDER BY a.accessed_at" + direction + ", a.position" + direction + " LIMIT ? OFFSET ?",
                (rs, i) -> entry(rs), selectArgs.toArray());
    }

    private AuditReadModel.Entry entry(ResultSet rs) throws SQLException {
        String type = rs.getString("resource_type");
        String id = rs.getString("resource_id");
        boolean allowed = rs.getBoolean("allowed");
        // A refusal's entry names no patient; the parties to what was refused see whose it was, as with events.
        String patientId = rs.getString("patient_id") != null ? rs.getString("patient_id")
                : !allowed && rs.getBoolean("party") ? rs.getString("subjects_patient") : null;
        // A stranger's officer learns that its read was refused, not what the id was nor why (as RecordAccessDenied).
        String reason = allowed ? null : rs.getBoolean("party") ? rs.getString("reason") : "no such resource";
        String action = rs.getString("action");
        Array returned = rs.getArray("returned_ids");
        ObjectNode details = json.createObjectNode();
        details.put("action", action);
        details.put("channel", rs.getString("channel"));
        details.put("resourceType", type);
        details.put("resourceId", id);
        details.put("query", rs.getString("query"));
        ArrayNode ids = details.putArray("returnedIds");
        for (String returnedId : (String[]) returned.getArray()) {
            ids.add(returnedId);
        }
        details.put("outcome", allowed ? "allowed" : "refused");
        details.put("reason", reason);
        details.put("oversight", rs.getBoolean("oversight"));
        String organisation = rs.getString("organisation");
        String description = !allowed ? organisation + " was refused a read of " + type + " " + id + ": " + reason
                : action.equals("E") ? organisation + " searched " + type + " (" + rs.getString("query") + "): "
                + ids.size() + " returned"
                : organisation + " read " + type + " " + id;
        String base = id == null ? null : id.split("/", 2)[0];
        return new AuditReadModel.Entry(rs.getLong("position"), "access-" + rs.getLong("position"),
                instant(rs, "accessed_at"), TYPE, description, type, id, null,
                type.startsWith("Referral") || type.equals("Task") || type.equals("ServiceRequest") ? base : null,
                type.startsWith("Record") || type.equals("DocumentReference") || type.equals("Consent") ? base : null,
                type.startsWith("Appointment") ? base : null,
                patientId, rs.getString("user_id"), rs.getString("user_name"),
                Actor.shownAs(rs.getString("user_name"), rs.getString("client"), rs.getString("user_id")),
                organisation, rs.getString("roles"), rs.getString("client"), rs.getString("purpose_of_use"),
                rs.getString("request_id"), null, details);
    }

    /** SQL true when the officer's organisation is (or was) party to what the read named. */
    private static String party(ComplianceScope.Officer officer, List<Object> args) {
        if (officer.platformWide()) {
            return "TRUE";
        }
        args.add(officer.organisation());
        return "EXISTS (SELECT 1 FROM audit_party p WHERE p.aggregate_id = split_part(a.resource_id, '/', 1) "
                + "AND p.organisation = ?)";
    }

    private static String where(ComplianceScope.Officer officer, AuditReadModel.Filter f, List<Object> args) {
        StringBuilder where = new StringBuilder("TRUE");
        if (!officer.platformWide()) {
            where.append(" AND (a.organisation = ? OR ").append(party(officer, new ArrayList<>())).append(")");
            args.add(officer.organisation());
            args.add(officer.organisation());
        }
        if (f.patientId() != null) {
            // A refused read names no patient in the log: the officers of the parties to what was refused find it
            // under the patient of the referral, record or appointment it named, strangers' officers do not.
            // The array is computed once (V45's partial index serves it), not a subquery per row.
            where.append(" AND (a.patient_id = ? OR (NOT a.allowed AND split_part(a.resource_id, '/', 1) = ANY("
                    + "ARRAY(SELECT s.aggregate_id FROM audit_subject s WHERE s.patient_id = ?)) AND ");
            args.add(f.patientId());
            args.add(f.patientId());
            where.append(party(officer, args)).append("))");
        }
        AuditReadModel.equal(where, args, "a.user_id", f.user());
        AuditReadModel.equal(where, args, "a.organisation", f.organisation());
        AuditReadModel.equal(where, args, "split_part(a.resource_id, '/', 1)", f.referralId());
        AuditReadModel.equal(where, args, "split_part(a.resource_id, '/', 1)", f.recordId());
        AuditReadModel.equal(where, args, "split_part(a.resource_id, '/', 1)", f.appointmentId());
        AuditReadModel.equal(where, args, "a.client", f.client());
        AuditReadModel.equal(where, args, "a.purpose_of_use", f.purposeOfUse());
        AuditReadModel.equal(where, args, "a.request_id", f.requestId());
        if (!f.includeOversight()) {
            where.append(" AND NOT ").append(OVERSIGHT_READ);
        }
        if (f.from() != null) {
            where.append(" AND a.accessed_at >= ?");
            args.add(Timestamp.from(f.from()));
        }
        if (f.to() != null) {
            where.append(" AND a.accessed_at < ?");
            args.add(Timestamp.from(f.to()));
        }
        return where.toString();
    }
}

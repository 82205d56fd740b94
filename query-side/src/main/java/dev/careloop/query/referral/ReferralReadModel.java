package dev.careloop.query.referral;

import dev.careloop.api.Actor;
import dev.careloop.api.Patient;
import dev.careloop.api.referral.*;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.careloop.query.replay.RowValues.instant;

/** Reads referral_view and referral_timeline, always scoped to what one organisation may see. */
@Component
class ReferralReadModel {

    /** Sortable fields of the list API and their columns. */
    static final Map<String, String> SORTABLE = Map.of(
            "createdAt", "created_at", "updatedAt", "updated_at", "priority", "priority_rank",
            "slaDueAt", "sla_due_at", "status", "status", "patientName", "patient_name");

    record Filter(String box, ReferralStatus status, Priority priority, Boolean overdue, String patientId) {
    }

    record Page(List<ReferralView> items, int page, int size, long totalItems, int totalPages) {
    }

    /** {@code actedBy}: the person's name when a person acted, else the client ({@link Actor#shownAs}). */
    record TimelineEntry(long sequence, String event, String status, Instant occurredAt, String user,
                         String userName, String actedBy, String organisation, String roles, String client,
                         String purposeOfUse, String correlationId, String causationId, JsonNode details) {
    }

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    ReferralReadModel(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<ReferralView> find(String referralId, String organisation) {
        return jdbc.query("SELECT * FROM referral_view WHERE referral_id = ? AND ? = ANY(participants)",
                VIEW, referralId, organisation).stream().findFirst();
    }

    Page list(String organisation, Filter filter, int page, int size, String sortField, boolean ascending) {
        StringBuilder where = new StringBuilder();
        List<Object> args = new ArrayList<>();
        switch (filter.box() == null ? "all" : filter.box()) {
            case "inbox" -> where.append("recipient_org = ?");
            case "outbox" -> where.append("initiator_org = ?");
            // Lists show the current parties' referrals; a former recipient reads its old ones by id (CONSENT.md).
            default -> {
                where.append("(initiator_org = ? OR recipient_org = ?)");
                args.add(organisation);
            }
        }
        args.add(organisation);
        if (filter.status() != null) {
            where.append(" AND status = ?");
            args.add(filter.status().code());
        }
        if (filter.priority() != null) {
            where.append(" AND priority = ?");
            args.add(filter.priority().code());
        }
        if (filter.overdue() != null) {
            where.append(" AND overdue = ?");
            args.add(filter.overdue());
        }
        if (filter.patientId() != null) {
            where.append(" AND patient_id = ?");
            args.add(filter.patientId());
        }
        Long total = jdbc.queryForObject("SELECT count(*) FROM referral_view WHERE " + where, Long.class,
                args.toArray());
        String order = SORTABLE.get(sortField) + (ascending ? " ASC" : " DESC") + ", referral_id";
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(size);
        pageArgs.add((long) page * size);
        List<ReferralView> items = jdbc.query("SELECT * FROM referral_view WHERE " + where + " ORDER BY " + order
                + " LIMIT ? OFFSET ?", VIEW, pageArgs.toArray());
        long totalItems = total == null ? 0 : total;
        return new Page(items, page, size, totalItems, (int) ((totalItems + size - 1) / size));
    }

    /** The referral's parties over time, from its sends and forwards; empty when there is no such referral. */
    ReferralParties parties(String referralId) {
        List<ReferralParties.Party> parties = new ArrayList<>();
        jdbc.query("""
                SELECT sequence_number, event_type, occurred_at, details FROM referral_timeline
                 WHERE referral_id = ? AND event_type IN ('ReferralSent', 'ReferralForwarded')
                 ORDER BY sequence_number""", rs -> {
            long sequence = rs.getLong("sequence_number");
            Instant at = instant(rs, "occurred_at");
            JsonNode details = json.readTree(rs.getString("details"));
            if (rs.getString("event_type").equals("ReferralSent")) {
                parties.add(new ReferralParties.Party(details.path("initiatorOrganisation").asString(), "initiator",
                        sequence, at, null, null));
                parties.add(new ReferralParties.Party(details.path("recipientOrganisation").asString(), "recipient",
                        sequence, at, null, null));
                return;
            }
            String from = details.path("fromOrganisation").asString();
            for (int i = 0; i < parties.size(); i++) {
                ReferralParties.Party p = parties.get(i);
                if (p.role().equals("recipient") && p.current() && p.organisation().equals(from)) {
                    parties.set(i, new ReferralParties.Party(p.organisation(), p.role(), p.sinceSequence(), p.since(),
                            sequence, at));
                }
            }
            parties.add(new ReferralParties.Party(details.path("toOrganisation").asString(), "recipient", sequence, at,
                    null, null));
        }, referralId);
        return new ReferralParties(List.copyOf(parties));
    }

    List<TimelineEntry> timeline(String referralId) {
        return timeline(referralId, Long.MAX_VALUE);
    }

    /** The timeline up to and including event {@code lastSequence}. */
    List<TimelineEntry> timeline(String referralId, long lastSequence) {
        return jdbc.query("SELECT * FROM referral_timeline WHERE referral_id = ? AND sequence_number <= ? "
                        + "ORDER BY sequence_number",
                (rs, i) -> new TimelineEntry(rs.getLong("sequence_number"), rs.getString("event_type"),
                        rs.getString("status"), instant(rs, "occurred_at"), rs.getString("actor_user"),
                        rs.getString("actor_name"), Actor.shownAs(rs.getString("actor_name"),
                                rs.getString("client"), rs.getString("actor_user")),
                        rs.getString("actor_org"), rs.getString("actor_roles"), rs.getString("client"),
                        rs.getString("purpose_of_use"), rs.getString("correlation_id"),
                        rs.getString("causation_id"), json.readTree(rs.getString("details"))), referralId,
                lastSequence);
    }

    private static final RowMapper<ReferralView> VIEW = (rs, i) -> {
        ReferralStatus status = ReferralStatus.fromCode(rs.getString("status"));
        Instant start = instant(rs, "appointment_start");
        java.sql.Date birth = rs.getDate("patient_birth_date");
        return new ReferralView(
                rs.getString("referral_id"), rs.getString("referral_number"), rs.getString("identifier_system"),
                rs.getString("initiator_org"), rs.getString("recipient_org"),
                new Patient(rs.getString("patient_id"), rs.getString("patient_identifier_system"),
                        rs.getString("patient_identifier_value"), rs.getString("patient_name"),
                        birth == null ? null : birth.toLocalDate()),
                Priority.fromCode(rs.getString("priority")), rs.getString("service"), rs.getString("reason"),
                status, status.taskStatus(), status.businessStatus(), status.display(),
                rs.getBoolean("loop_closed"), rs.getString("appointment_id"),
                start == null ? null : new Appointment(start, instant(rs, "appointment_end"),
                        rs.getString("appointment_location")),
                rs.getString("open_question"), instant(rs, "sla_due_at"), rs.getBoolean("overdue"),
                rs.getString("based_on_referral_id"), instant(rs, "created_at"), instant(rs, "updated_at"),
                rs.getLong("version"), List.of((String[]) rs.getArray("record_ids").getArray()),
                rs.getString("consult_report"), List.of((String[]) rs.getArray("interim_notes").getArray()),
                rs.getString("decline_reason"));
    };
}

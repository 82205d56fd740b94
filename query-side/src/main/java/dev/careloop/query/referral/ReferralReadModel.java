package dev.careloop.query.referral;

import dev.careloop.api.Actor;
import dev.careloop.api.referral.*;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.careloop.query.replay.RowValues.instant;

/** Reads referral_view and referral_timeline, always scoped to what one organisation may see. */
@Component
class ReferralReadModel {

    /** Sortable fields of the list API and their columns ({@code due} is the worklist's name for slaDueAt). */
    static final Map<String, String> SORTABLE = Map.of(
            "createdAt", "created_at", "updatedAt", "updated_at", "priority", "priority_rank",
            "slaDueAt", "sla_due_at", "due", "sla_due_at", "status", "status", "patientName", "patient_name");

    /** The statuses where nobody has work left: what {@code open=true} leaves out. */
    static final Set<ReferralStatus> CLOSED = EnumSet.of(ReferralStatus.COMPLETED, ReferralStatus.CANCELLED,
            ReferralStatus.DECLINED);

    /**
     * What the list shows: the box, any of {@code statuses} (empty: all), open or closed only (null: both), the
     * priority, overdue, the patient, the other organisation ({@code partner}), the person it is assigned to, and
     * the search words ({@link ReferralSearchTokens#query}), all of which must match.
     */
    record Filter(String box, Set<ReferralStatus> statuses, Boolean open, Priority priority, Boolean overdue,
                  String patientId, String partner, String assignee, List<String> search) {
        Filter(String box, ReferralStatus status, Priority priority, Boolean overdue, String patientId) {
            this(box, status == null ? Set.of() : Set.of(status), null, priority, overdue, patientId, null, null,
                    List.of());
        }
    }

    /** How many referrals of a box are in each status (every status named, zero included), open and overdue. */
    record Counts(String box, long total, long open, long overdue, Map<String, Long> byStatus) {
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

    /** The referral's pseudonymous patient id, for the access log (whoever asks; null when there is no such referral). */
    String patientId(String referralId) {
        return jdbc.query("SELECT patient_id FROM referral_view WHERE referral_id = ?",
                (rs, i) -> rs.getString(1), referralId).stream().findFirst().orElse(null);
    }

    /** The referral as {@code actor} sees it now, with the actions it may take. */
    Optional<ReferralView> find(String referralId, Actor actor) {
        return jdbc.query("SELECT * FROM referral_view WHERE referral_id = ? AND ? = ANY(participants)",
                viewFor(actor), referralId, actor.organisation()).stream().findFirst();
    }

    Page list(Actor actor, Filter filter, int page, int size, String sortField, boolean ascending) {
        return list(actor.organisation(), filter, page, size, sortField, ascending, viewFor(actor));
    }

    Page list(String organisation, Filter filter, int page, int size, String sortField, boolean ascending) {
        return list(organisation, filter, page, size, sortField, ascending, VIEW);
    }

    Counts counts(String organisation, String box) {
        String where = box.equals("inbox") ? "recipient_org = ?" : "initiator_org = ?";
        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (ReferralStatus s : ReferralStatus.values()) {
            byStatus.put(s.code(), 0L);
        }
        long[] overdue = {0};
        jdbc.query("SELECT status, count(*) AS n, count(*) FILTER (WHERE overdue) AS late FROM referral_view WHERE "
                + where + " GROUP BY status", rs -> {
            byStatus.put(rs.getString("status"), rs.getLong("n"));
            overdue[0] += rs.getLong("late");
        }, organisation);
        long total = byStatus.values().stream().mapToLong(Long::longValue).sum();
        long open = total - CLOSED.stream().mapToLong(s -> byStatus.get(s.code())).sum();
        return new Counts(box, total, open, overdue[0], byStatus);
    }

    private Page list(String organisation, Filter filter, int page, int size, String sortField, boolean ascending,
                      RowMapper<ReferralView> mapper) {
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
        if (!filter.statuses().isEmpty()) {
            where.append(" AND status = ANY(?)");
            args.add(codes(filter.statuses()));
        }
        if (filter.open() != null) {
            where.append(filter.open() ? " AND NOT (status = ANY(?))" : " AND status = ANY(?)");
            args.add(codes(CLOSED));
        }
        if (filter.partner() != null) {
            switch (filter.box() == null ? "all" : filter.box()) {
                case "inbox" -> where.append(" AND initiator_org = ?");
                case "outbox" -> where.append(" AND recipient_org = ?");
                default -> {
                    // The other party: the caller is one side, the partner the other.
                    where.append(" AND (initiator_org = ? OR recipient_org = ?)");
                    args.add(filter.partner());
                }
            }
            args.add(filter.partner());
        }
        if (filter.assignee() != null) {
            where.append(" AND assignee = ?");
            args.add(filter.assignee());
        }
        if (!filter.search().isEmpty()) {
            where.append(" AND search_tokens @> ?::text[]");
            args.add(filter.search().toArray(String[]::new));
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
        String order = SORTABLE.get(sortField) + (ascending ? " ASC NULLS LAST" : " DESC NULLS LAST") + ", referral_id";
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(size);
        pageArgs.add((long) page * size);
        List<ReferralView> items = jdbc.query("SELECT * FROM referral_view WHERE " + where + " ORDER BY " + order
                + " LIMIT ? OFFSET ?", mapper, pageArgs.toArray());
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
        // The patient in a statement of its own: one statement reading both tables takes their locks in the
        // opposite order to a rebuild's swap of them, and the two deadlocked (RebuildReadModelsTest).
        String patientId = parties.isEmpty() ? null : jdbc.query("SELECT patient_id FROM referral_view "
                + "WHERE referral_id = ?", rs -> rs.next() ? rs.getString(1) : null, referralId);
        return new ReferralParties(List.copyOf(parties), patientId);
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

    private static String[] codes(Set<ReferralStatus> statuses) {
        return statuses.stream().map(ReferralStatus::code).sorted().toArray(String[]::new);
    }

    /** The view with the actions {@code actor} may take on it now, from the state machine's own table. */
    private static RowMapper<ReferralView> viewFor(Actor actor) {
        return (rs, i) -> view(rs, ReferralStateMachine.allowedActions(actor, new ReferralStateMachine.Situation(
                ReferralStatus.fromCode(rs.getString("status")), rs.getString("initiator_org"),
                rs.getString("recipient_org"), rs.getBoolean("loop_closed"),
                ReferralStateMachine.Visit.valueOf(rs.getString("visit").toUpperCase(Locale.ROOT)),
                rs.getString("assignee") != null)));
    }

    /** The view where no caller is known: no actions offered. */
    private static final RowMapper<ReferralView> VIEW = (rs, i) -> view(rs, List.of());

    private static ReferralView view(ResultSet rs, List<String> allowedActions) throws SQLException {
        return ReferralRow.TABLE.reader().read(rs).view(allowedActions);
    }
}

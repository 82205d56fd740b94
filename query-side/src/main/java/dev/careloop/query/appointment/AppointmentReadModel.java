package dev.careloop.query.appointment;

import dev.careloop.api.Actor;
import dev.careloop.api.appointment.AppointmentStatus;
import dev.careloop.api.appointment.AppointmentView;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.careloop.query.replay.RowValues.instant;

/** Reads appointment_view and appointment_history, always scoped to what one organisation may see. */
@Component
class AppointmentReadModel {

    /** Every field optional; {@code from} inclusive, {@code to} exclusive, on the (earliest proposed) start. */
    record Filter(String patientId, String referralId, AppointmentStatus status, Instant from, Instant to) {
    }

    record Page(List<AppointmentView> items, int page, int size, long totalItems, int totalPages) {
    }

    /** {@code actedBy}: the person's name when a person acted, else the client ({@link Actor#shownAs}). */
    record HistoryEntry(long sequence, String event, AppointmentStatus status, Instant occurredAt, String user,
                        String userName, String actedBy, String organisation, String roles, String client, String purposeOfUse,
                        String correlationId, String causationId, JsonNode details) {
    }

    /** Containment rather than {@code = ANY}, so that PostgreSQL can use the GIN index on participants. */
    private static final String VISIBLE_TO = "participants @> ARRAY[?]::text[]";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final RowMapper<AppointmentView> view;

    AppointmentReadModel(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        this.view = this::view;
    }

    Optional<AppointmentView> find(String appointmentId, String organisation) {
        return jdbc.query("SELECT * FROM appointment_view WHERE appointment_id = ? AND " + VISIBLE_TO,
                view, appointmentId, organisation).stream().findFirst();
    }

    /** Unscoped: only for deciding, without waiting, that an organisation may not see a row that exists. */
    Optional<AppointmentView> find(String appointmentId) {
        return jdbc.query("SELECT * FROM appointment_view WHERE appointment_id = ?", view, appointmentId)
                .stream().findFirst();
    }

    Page list(String organisation, Filter filter, int page, int size) {
        StringBuilder where = new StringBuilder(VISIBLE_TO);
        List<Object> args = new ArrayList<>();
        args.add(organisation);
        if (filter.patientId() != null) {
            where.append(" AND patient_id = ?");
            args.add(filter.patientId());
        }
        if (filter.referralId() != null) {
            where.append(" AND referral_id = ?");
            args.add(filter.referralId());
        }
        if (filter.status() != null) {
            where.append(" AND status = ?");
            args.add(filter.status().code());
        }
        if (filter.from() != null) {
            where.append(" AND starts_at >= ?");
            args.add(Timestamp.from(filter.from()));
        }
        if (filter.to() != null) {
            where.append(" AND starts_at < ?");
            args.add(Timestamp.from(filter.to()));
        }
        Long total = jdbc.queryForObject("SELECT count(*) FROM appointment_view WHERE " + where, Long.class,
                args.toArray());
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(size);
        pageArgs.add((long) page * size);
        List<AppointmentView> items = jdbc.query("SELECT * FROM appointment_view WHERE " + where
                + " ORDER BY starts_at DESC NULLS LAST, appointment_id LIMIT ? OFFSET ?", view, pageArgs.toArray());
        long totalItems = total == null ? 0 : total;
        return new Page(items, page, size, totalItems, (int) ((totalItems + size - 1) / size));
    }

    List<HistoryEntry> history(String appointmentId) {
        return jdbc.query("SELECT * FROM appointment_history WHERE appointment_id = ? ORDER BY sequence_number",
                (rs, i) -> new HistoryEntry(rs.getLong("sequence_number"), rs.getString("event_type"),
                        AppointmentStatus.fromCode(rs.getString("status")), instant(rs, "occurred_at"),
                        rs.getString("actor_user"), rs.getString("actor_name"),
                        Actor.shownAs(rs.getString("actor_name"), rs.getString("client"), rs.getString("actor_user")),
                        rs.getString("actor_org"), rs.getString("actor_roles"),
                        rs.getString("client"), rs.getString("purpose_of_use"), rs.getString("correlation_id"),
                        rs.getString("causation_id"), json.readTree(rs.getString("details"))), appointmentId);
    }

    private AppointmentView view(ResultSet rs, int row) throws SQLException {
        return AppointmentRow.TABLE.reader().read(rs).view(json);
    }
}

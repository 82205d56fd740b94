package dev.careloop.fhir.partner;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Array;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The partner registry (table fhir_partner, V9__fhir_partners.sql). */
@Repository
public class Partners {

    /** The longest partner error kept (fhir_partner.last_error, delivery dead-letter causes). */
    public static final int MAX_ERROR = 200;
    private static final Pattern LINE_BREAKS_AND_CONTROLS = Pattern.compile("[\\p{Cntrl}\\p{Zl}\\p{Zp}]+");

    /** What a partner's deliveries last did, as the admin API shows it. */
    public record LastOutcome(Instant lastSuccessAt, String lastError, Instant lastErrorAt) {
    }

    private static final String COLUMNS = "id, organisation, base_url, mode, resource_types, auth_type, auth_token, "
            + "auth_token_url, auth_client_id, auth_client_secret, auth_scope, active, start_index, registered_at";
    /** A partner with what it chose as a Subscription (an administrator's partner has no fhir_subscription row). */
    static final String SELECT = "SELECT p.id, p.organisation, p.base_url, p.mode, p.resource_types, p.auth_type, "
            + "p.auth_token, p.auth_token_url, p.auth_client_id, p.auth_client_secret, p.auth_scope, p.active, "
            + "p.start_index, p.registered_at, s.partner_id AS subscription, s.topic, s.payload_content, "
            + "s.heartbeat_period, s.filter_criteria FROM fhir_partner p "
            + "LEFT JOIN fhir_subscription s ON s.partner_id = p.id ";

    private final JdbcTemplate jdbc;
    /**
     * Bookkeeping of deliveries commits on its own, whatever happens to the processor's transaction. Only ever
     * called when the caller holds no connection (PartnerDelivery records outcomes once its unit of work has let
     * go of its own): a thread that holds one while it waits for another can starve the pool.
     */
    private final TransactionTemplate ownTransaction;
    /** The caller's transaction when there is one, else a new one: one connection. */
    private final TransactionTemplate joined;

    Partners(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.joined = new TransactionTemplate(transactions);
    }

    /** Stores a new partner; false if the id is taken. */
    public boolean register(Partner p, String registeredBy) {
        PartnerAuth a = p.auth();
        try {
            jdbc.update(con -> {
                var ps = con.prepareStatement("INSERT INTO fhir_partner (" + COLUMNS + ", registered_by) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                ps.setString(1, p.id());
                ps.setString(2, p.organisation());
                ps.setString(3, p.baseUrl());
                ps.setString(4, p.mode().code());
                ps.setArray(5, con.createArrayOf("text", p.resourceTypes().stream().sorted().toArray()));
                ps.setString(6, a.type().code());
                ps.setString(7, a.token());
                ps.setString(8, a.tokenUrl());
                ps.setString(9, a.clientId());
                ps.setString(10, a.clientSecret());
                ps.setString(11, a.scope());
                ps.setBoolean(12, p.active());
                ps.setLong(13, p.startIndex());
                ps.setTimestamp(14, Timestamp.from(p.registeredAt()));
                ps.setString(15, registeredBy);
                return ps;
            });
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    public Optional<Partner> find(String id) {
        return jdbc.query(SELECT + "WHERE p.id = ?", PARTNER, id).stream().findFirst();
    }

    public List<Partner> all() {
        return jdbc.query(SELECT + "ORDER BY p.id", PARTNER);
    }

    public List<Partner> active() {
        return jdbc.query(SELECT + "WHERE p.active ORDER BY p.id", PARTNER);
    }

    /** True if it was active. A Subscription it delivers is off from then on (an administrator stopped it). */
    public boolean deactivate(String id) {
        return Boolean.TRUE.equals(joined.execute(s -> {
            jdbc.update("UPDATE fhir_subscription SET status = 'off', version = version + 1, last_updated = now() "
                    + "WHERE partner_id = ? AND status <> 'off' AND NOT deleted", id);
            return jdbc.update("UPDATE fhir_partner SET active = FALSE, deactivated_at = now() WHERE id = ? "
                    + "AND active", id) == 1;
        }));
    }

    public LastOutcome lastOutcome(String id) {
        return jdbc.query("SELECT last_success_at, last_error, last_error_at FROM fhir_partner WHERE id = ?",
                (rs, n) -> new LastOutcome(instant(rs.getTimestamp(1)), rs.getString(2), instant(rs.getTimestamp(3))),
                id).stream().findFirst().orElse(new LastOutcome(null, null, null));
    }

    public void recordSuccess(String id, Instant at) {
        ownTransaction.executeWithoutResult(s -> jdbc.update(
                "UPDATE fhir_partner SET last_success_at = ? WHERE id = ? "
                        + "AND (last_success_at IS NULL OR last_success_at < ?)",
                Timestamp.from(at), id, Timestamp.from(at)));
    }

    /** {@code error}, kept as one line of at most 200 characters: the admin API shows it as it is. */
    public void recordError(String id, String error, Instant at) {
        String line = errorLine(error);
        ownTransaction.executeWithoutResult(s -> jdbc.update(
                "UPDATE fhir_partner SET last_error = ?, last_error_at = ? WHERE id = ?",
                line, Timestamp.from(at), id));
    }

    /**
     * A partner error as CareLoop keeps and shows it: one line of at most {@value #MAX_ERROR} characters, without
     * control characters or line separators.
     */
    public static String errorLine(String error) {
        if (error == null || error.isBlank()) {
            return "unknown error";
        }
        String line = LINE_BREAKS_AND_CONTROLS.matcher(error).replaceAll(" ").strip();
        return line.length() <= MAX_ERROR ? line : line.substring(0, MAX_ERROR - 3) + "...";
    }

    /**
     * The Subscriptions Backport event number of one change for a rest-hook partner: the next number the
     * first time the change is notified, the same number on every retry. Committed at once, before the partner is
     * called (a delivery holds no transaction while it waits for the answer): a change tried again, after a failure
     * or a crash, finds its number and is sent with it.
     */
    public long eventNumber(String partnerId, String aggregateId, long version) {
        return eventNumber(partnerId, aggregateId, version, List.of(), null);
    }

    /**
     * As {@link #eventNumber(String, String, long)}, keeping what the notification is about ({@code focus}: each
     * resource as "{type}/{id}/_history/{version}") and when it happened, for {@code $events}.
     */
    public long eventNumber(String partnerId, String aggregateId, long version, List<String> focus,
                            Instant recorded) {
        return joined.execute(s -> {
            List<Long> known = jdbc.queryForList("SELECT event_number FROM fhir_partner_notification "
                    + "WHERE partner_id = ? AND aggregate_id = ? AND version = ?", Long.class,
                    partnerId, aggregateId, version);
            if (!known.isEmpty()) {
                return known.get(0);
            }
            Long next = jdbc.queryForObject("UPDATE fhir_partner SET events_since_start = events_since_start + 1 "
                    + "WHERE id = ? RETURNING events_since_start", Long.class, partnerId);
            jdbc.update(con -> {
                var ps = con.prepareStatement("INSERT INTO fhir_partner_notification (partner_id, aggregate_id, "
                        + "version, event_number, focus, recorded) VALUES (?, ?, ?, ?, ?, ?)");
                ps.setString(1, partnerId);
                ps.setString(2, aggregateId);
                ps.setLong(3, version);
                ps.setLong(4, next);
                ps.setArray(5, con.createArrayOf("text", focus.toArray()));
                ps.setTimestamp(6, recorded == null ? null : Timestamp.from(recorded));
                return ps;
            });
            return next;
        });
    }

    /**
     * What a partner was told of an aggregate: the last version delivered, the patient it is about, and whether its
     * organisation has since lost access (it was sent the inactive Consent, and is sent nothing more).
     */
    public record Told(String aggregateId, long version, String patientId, boolean lostAccess) {
    }

    /**
     * Notes that {@code partnerId} is being told of version {@code version} of an aggregate (or, with
     * {@code lostAccess}, that it lost access to it). Committed before the partner is called, as the event number
     * is: a partner that might have received a change is counted as told (a revocation then reaches it for sure).
     */
    public void told(String partnerId, String aggregateId, long version, String patientId, boolean lostAccess) {
        joined.executeWithoutResult(s -> jdbc.update("""
                INSERT INTO fhir_partner_told (partner_id, aggregate_id, version, patient_id, lost_access)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (partner_id, aggregate_id) DO UPDATE SET version = EXCLUDED.version,
                    patient_id = EXCLUDED.patient_id, lost_access = EXCLUDED.lost_access
                WHERE fhir_partner_told.version <= EXCLUDED.version""",
                partnerId, aggregateId, version, patientId, lostAccess));
    }

    /** What {@code partnerId} was told of an aggregate, if anything. */
    public Optional<Told> told(String partnerId, String aggregateId) {
        return jdbc.query("SELECT aggregate_id, version, patient_id, lost_access FROM fhir_partner_told "
                + "WHERE partner_id = ? AND aggregate_id = ?", TOLD, partnerId, aggregateId).stream().findFirst();
    }

    /** Every aggregate about the patient {@code patientId} that {@code partnerId} was told of, in a stable order. */
    public List<Told> toldAbout(String partnerId, String patientId) {
        return jdbc.query("SELECT aggregate_id, version, patient_id, lost_access FROM fhir_partner_told "
                + "WHERE partner_id = ? AND patient_id = ? ORDER BY aggregate_id", TOLD, partnerId, patientId);
    }

    /**
     * The sequence numbers of an aggregate's events, the first {@code version} of them, that came after global index
     * {@code startIndex}: the changes of it a partner registered at that head can have been told of.
     */
    public List<Long> changesAfter(String aggregateId, long version, long startIndex) {
        return jdbc.queryForList("SELECT sequence_number FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "AND sequence_number < ? AND global_index > ? ORDER BY sequence_number", Long.class, aggregateId,
                version, startIndex);
    }

    private static final RowMapper<Told> TOLD = (rs, n) -> new Told(rs.getString(1), rs.getLong(2), rs.getString(3),
            rs.getBoolean(4));

    /** One event notification as it was numbered: what it was about and when it happened. */
    public record Notified(long eventNumber, String aggregateId, long version, List<String> focus, Instant recorded) {
    }

    /** The event notifications of a partner numbered {@code from} to {@code to} (both included), in number order. */
    public List<Notified> notified(String partnerId, long from, long to) {
        return jdbc.query("SELECT event_number, aggregate_id, version, focus, recorded FROM fhir_partner_notification "
                + "WHERE partner_id = ? AND event_number BETWEEN ? AND ? ORDER BY event_number", (rs, n) -> {
                    Array focus = rs.getArray(4);
                    return new Notified(rs.getLong(1), rs.getString(2), rs.getLong(3),
                            List.of((String[]) focus.getArray()), instant(rs.getTimestamp(5)));
                }, partnerId, from, to);
    }

    public long eventsSinceStart(String partnerId) {
        return jdbc.queryForObject("SELECT events_since_start FROM fhir_partner WHERE id = ?", Long.class, partnerId);
    }

    static final RowMapper<Partner> PARTNER = (rs, n) -> {
        Array types = rs.getArray("resource_types");
        PartnerAuth.Type authType = PartnerAuth.Type.fromCode(rs.getString("auth_type")).orElseThrow();
        PartnerAuth auth = new PartnerAuth(authType, rs.getString("auth_token"), rs.getString("auth_token_url"),
                rs.getString("auth_client_id"), rs.getString("auth_client_secret"), rs.getString("auth_scope"));
        Notifying notifying = Notifying.REGISTERED;
        if (rs.getString("subscription") != null) {
            int period = rs.getInt("heartbeat_period");
            Duration heartbeat = rs.wasNull() ? null : Duration.ofSeconds(period);
            Array filters = rs.getArray("filter_criteria");
            notifying = new Notifying(rs.getString("topic"),
                    PayloadContent.fromCode(rs.getString("payload_content")).orElseThrow(), heartbeat, true,
                    Arrays.stream((String[]) filters.getArray()).map(SubscriptionFilter::parse).toList());
        }
        return new Partner(rs.getString("id"), rs.getString("organisation"), rs.getString("base_url"),
                DeliveryMode.fromCode(rs.getString("mode")).orElseThrow(),
                new LinkedHashSet<>(Arrays.asList((String[]) types.getArray())), auth, rs.getBoolean("active"),
                rs.getLong("start_index"), instant(rs.getTimestamp("registered_at")), notifying);
    };

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}

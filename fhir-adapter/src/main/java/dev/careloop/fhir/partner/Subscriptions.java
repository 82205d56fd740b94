package dev.careloop.fhir.partner;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Array;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Subscriptions as partners (table fhir_subscription, V53__fhir_subscriptions.sql, beside fhir_partner): a
 * Subscription is a rest-hook partner with a status. {@code fhir_partner.active} is true exactly while the status is
 * active, so the partner's processor delivers only then.
 */
@Repository
public class Subscriptions {

    private static final String SELECT = Partners.SELECT.replace("FROM fhir_partner p",
            ", s.status, s.filter_criteria, s.reason, s.end_at, s.error, s.version, s.last_updated, s.deleted "
                    + "FROM fhir_partner p");

    private final JdbcTemplate jdbc;
    private final Partners partners;
    private final TransactionTemplate transaction;

    Subscriptions(JdbcTemplate jdbc, Partners partners, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.partners = partners;
        this.transaction = new TransactionTemplate(transactions);
    }

    /**
     * Stores a new Subscription, status requested, and its partner (inactive until the handshake succeeds); false if
     * the id is taken.
     */
    public boolean create(Partner partner, List<String> filterCriteria, String reason, Instant end,
                          String createdBy) {
        Notifying notifying = partner.notifying();
        return Boolean.TRUE.equals(transaction.execute(s -> {
            if (!partners.register(partner.withActive(false), createdBy)) {
                return false;
            }
            jdbc.update(con -> {
                var ps = con.prepareStatement("INSERT INTO fhir_subscription (partner_id, status, topic, "
                        + "filter_criteria, payload_content, heartbeat_period, reason, end_at, last_updated, "
                        + "created_by) VALUES (?, 'requested', ?, ?, ?, ?, ?, ?, ?, ?)");
                ps.setString(1, partner.id());
                ps.setString(2, notifying.topic());
                ps.setArray(3, con.createArrayOf("text", filterCriteria.toArray()));
                ps.setString(4, notifying.content().code());
                if (notifying.heartbeatPeriod() == null) {
                    ps.setNull(5, java.sql.Types.INTEGER);
                } else {
                    ps.setInt(5, (int) notifying.heartbeatPeriod().toSeconds());
                }
                ps.setString(6, reason);
                ps.setTimestamp(7, end == null ? null : Timestamp.from(end));
                ps.setTimestamp(8, Timestamp.from(partner.registeredAt()));
                ps.setString(9, createdBy);
                return ps;
            });
            return true;
        }));
    }

    /** The Subscription {@code id}, deleted or not: a rest-hook partner. */
    public Optional<PartnerSubscription> find(String id) {
        return jdbc.query(SELECT + "WHERE p.id = ? AND p.mode = 'rest-hook'", SUBSCRIPTION, id).stream().findFirst();
    }

    /** The Subscriptions of an organisation (not deleted), in id order. */
    public List<PartnerSubscription> of(String organisation) {
        return jdbc.query(SELECT + "WHERE p.organisation = ? AND p.mode = 'rest-hook' AND s.deleted IS NOT TRUE "
                + "ORDER BY p.id", SUBSCRIPTION, organisation);
    }

    /**
     * Moves a self-created Subscription to {@code status} (with the handshake's {@code error}, if any) and its
     * partner to active or not with it. False if it is deleted or unknown.
     */
    public boolean status(String id, String status, String error) {
        return Boolean.TRUE.equals(transaction.execute(s -> {
            int changed = jdbc.update("UPDATE fhir_subscription SET status = ?, error = ?, version = version + 1, "
                    + "last_updated = now(), handshake_at = NULL WHERE partner_id = ? AND NOT deleted "
                    + "AND (status <> ? OR error IS DISTINCT FROM ?)",
                    status, error == null ? null : Partners.errorLine(error), id, status,
                    error == null ? null : Partners.errorLine(error));
            if (changed == 1) {
                setActive(id, PartnerSubscription.ACTIVE.equals(status));
            }
            return changed == 1;
        }));
    }

    /**
     * The handshake's outcome: active, or error with {@code error}; only while the Subscription is still requested
     * (turned off or deleted meanwhile, it stays so). True if it changed.
     */
    public boolean handshakeAnswered(String id, String error) {
        return Boolean.TRUE.equals(transaction.execute(s -> {
            boolean ok = error == null;
            int changed = jdbc.update("UPDATE fhir_subscription SET status = ?, error = ?, version = version + 1, "
                    + "last_updated = now(), handshake_at = NULL WHERE partner_id = ? AND status = 'requested' "
                    + "AND NOT deleted", ok ? PartnerSubscription.ACTIVE : PartnerSubscription.ERROR,
                    ok ? null : Partners.errorLine(error), id);
            if (changed == 1 && ok) {
                setActive(id, true);
            }
            return changed == 1;
        }));
    }

    /** Deletes a Subscription: off, and gone from reads and searches. */
    public void delete(String id) {
        transaction.executeWithoutResult(s -> {
            jdbc.update("UPDATE fhir_subscription SET status = 'off', deleted = TRUE, version = version + 1, "
                    + "last_updated = now() WHERE partner_id = ? AND NOT deleted", id);
            setActive(id, false);
        });
    }

    private void setActive(String id, boolean active) {
        jdbc.update("UPDATE fhir_partner SET active = ?, deactivated_at = CASE WHEN ? THEN NULL ELSE now() END "
                + "WHERE id = ? AND active <> ?", active, active, id, active);
    }

    /**
     * Claims the handshake of a requested Subscription for this node: true unless another started one within the
     * last minute (it may have crashed since; then this one goes on).
     */
    public boolean claimHandshake(String id) {
        return jdbc.update("UPDATE fhir_subscription SET handshake_at = now() WHERE partner_id = ? "
                + "AND status = 'requested' AND NOT deleted "
                + "AND (handshake_at IS NULL OR handshake_at < now() - INTERVAL '1 minute')", id) == 1;
    }

    /** Subscriptions waiting for their handshake. */
    public List<String> requested() {
        return jdbc.queryForList("SELECT partner_id FROM fhir_subscription WHERE status = 'requested' "
                + "AND NOT deleted ORDER BY partner_id", String.class);
    }

    /** Turns off every Subscription whose end has passed; returns their ids. */
    public List<String> expire(Instant now) {
        return transaction.execute(s -> {
            List<String> ended = jdbc.queryForList("UPDATE fhir_subscription SET status = 'off', "
                    + "version = version + 1, last_updated = now() WHERE end_at <= ? AND status <> 'off' "
                    + "AND NOT deleted RETURNING partner_id", String.class, Timestamp.from(now));
            ended.forEach(id -> setActive(id, false));
            return ended;
        });
    }

    private final RowMapper<PartnerSubscription> SUBSCRIPTION = (rs, n) -> {
        Partner partner = Partners.PARTNER.mapRow(rs, n);
        if (rs.getString("subscription") == null) {
            // An administrator's partner: active or off, every type it asked for, since it was registered.
            return new PartnerSubscription(partner, partner.active() ? PartnerSubscription.ACTIVE
                    : PartnerSubscription.OFF, partner.resourceTypes().stream().sorted().map(t -> t + "?").toList(),
                    "Registered by a CareLoop administrator", null, null, 1, partner.registeredAt(), false);
        }
        Array filters = rs.getArray("filter_criteria");
        Timestamp end = rs.getTimestamp("end_at");
        return new PartnerSubscription(partner, rs.getString("status"), List.of((String[]) filters.getArray()),
                rs.getString("reason"), end == null ? null : end.toInstant(), rs.getString("error"),
                rs.getLong("version"), rs.getTimestamp("last_updated").toInstant(), rs.getBoolean("deleted"));
    };
}

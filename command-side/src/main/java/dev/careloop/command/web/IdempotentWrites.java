package dev.careloop.command.web;

import dev.careloop.api.Actor;
import dev.careloop.plumbing.IfMatch;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * Idempotency-Key support: the key is claimed in the same transaction as the command (Axon's unit of
 * work joins it), so a retried request finds the first answer and writes nothing new; a concurrent
 * duplicate waits on the row lock and then finds it too. A key is the caller's own (organisation, client and
 * user): only a request that passed the route's access check gets here, and only the caller that made the first
 * request is served its answer; another caller with the same key is processed as its own request.
 */
@Component
public class IdempotentWrites {

    /** What a write did: to which aggregate (its id), at which version, with which HTTP status. */
    public record Written(int status, String id, long version, String body, boolean replayed) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Commands commands;

    IdempotentWrites(JdbcTemplate jdbc, TransactionTemplate tx, Commands commands) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.commands = commands;
    }

    /**
     * One command on an existing aggregate, under its If-Match and the request's Idempotency-Key: 200 with the
     * version the command handler answers.
     */
    public Written act(String id, String ifMatch, Object command, Actor actor, String key) {
        Long expected = IfMatch.parse(ifMatch);
        return run(actor, key, id + "|" + ifMatch + "|" + command,
                () -> new Written(200, id, commands.sendForVersion(command, actor, expected), null, false));
    }

    public Written run(Actor actor, String key, String fingerprintSource, Supplier<Written> write) {
        if (key == null || key.isBlank()) {
            return write.get();
        }
        if (key.length() > 255) {
            throw new BadIdempotencyKey("Idempotency-Key is longer than 255 characters");
        }
        String fingerprint = sha256(fingerprintSource);
        String organisation = actor.organisation();
        String caller = callerOf(actor);
        return tx.execute(status -> {
            int claimed = jdbc.update("INSERT INTO idempotency_key (organisation, caller, idempotency_key, fingerprint) "
                    + "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", organisation, caller, key, fingerprint);
            if (claimed == 0) {
                return replay(organisation, caller, key, fingerprint);
            }
            Written written = write.get();
            jdbc.update("UPDATE idempotency_key SET status = ?, aggregate_id = ?, version = ? "
                            + "WHERE organisation = ? AND caller = ? AND idempotency_key = ?",
                    written.status(), written.id(), written.version(), organisation, caller, key);
            return written;
        });
    }

    /** Keeps the body of the first answer so that a replay returns exactly it. */
    public void rememberBody(Actor actor, String key, String body) {
        if (key != null && !key.isBlank()) {
            jdbc.update("UPDATE idempotency_key SET body = ? WHERE organisation = ? AND caller = ? "
                    + "AND idempotency_key = ? AND body IS NULL", body, actor.organisation(), callerOf(actor), key);
        }
    }

    /** Whose key it is within the organisation: the client application and the user (or system) acting. */
    static String callerOf(Actor actor) {
        return (actor.client() == null ? "" : actor.client()) + "|" + actor.userId();
    }

    private Written replay(String organisation, String caller, String key, String fingerprint) {
        List<Written> rows = jdbc.query("SELECT fingerprint, status, aggregate_id, version, body FROM idempotency_key "
                        + "WHERE organisation = ? AND caller = ? AND idempotency_key = ?",
                (rs, i) -> {
                    if (!fingerprint.equals(rs.getString("fingerprint"))) {
                        throw new BadIdempotencyKey(
                                "this Idempotency-Key was already used for a different request");
                    }
                    return new Written(rs.getInt("status"), rs.getString("aggregate_id"), rs.getLong("version"),
                            rs.getString("body"), true);
                }, organisation, caller, key);
        return rows.get(0);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key cannot be used for this request (422). */
    public static class BadIdempotencyKey extends RuntimeException {
        BadIdempotencyKey(String message) {
            super(message);
        }
    }
}

package dev.careloop.app.ledger;

import javax.sql.DataSource;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Recomputes the log's hash chain (V14, chained after commit since V47) and names the first event whose content,
 * order or presence no longer matches. It walks the chain's own order (its positions), which is the order the
 * chainer linked events in, not the global index. Events committed but not chained yet are reported as such while
 * younger than the chain window, and as a break once older. Plain JDBC, so the same code runs in the API and from
 * the command line against any database.
 */
public final class LogVerifier {

    /** How long a committed event may wait for the chainer before verification fails (careloop.ledger.chain-window). */
    public static final Duration DEFAULT_CHAIN_WINDOW = Duration.ofSeconds(10);

    private static final int FETCH_SIZE = 2_000;

    private final DataSource dataSource;
    private final Duration chainWindow;

    public LogVerifier(DataSource dataSource) {
        this(dataSource, DEFAULT_CHAIN_WINDOW);
    }

    public LogVerifier(DataSource dataSource, Duration chainWindow) {
        this.dataSource = dataSource;
        this.chainWindow = chainWindow;
    }

    /** What broke, where. {@code position} is the chain position (null for an event the chain never saw). */
    public record Break(Kind kind, Long position, Long globalIndex, String detail) {
    }

    public enum Kind {
        /** The stored event is not what was appended. */
        CONTENT,
        /** The event is in the log but not where the chain put it (moved, or swapped with another). */
        ORDER,
        /** The chain names an event, or a link, that is no longer there. */
        MISSING,
        /** An event is in the log where the chainer has already passed: it was inserted behind the log's back. */
        UNCHAINED,
        /** A committed event has waited for the chainer longer than the chain window. */
        LAGGING
    }

    /**
     * The outcome. {@code anchor} is what the first checked link was trusted from: the start of the log, a
     * signed checkpoint, or the stored link before a range. {@code unchained}: events committed within the chain
     * window that the chainer has not linked yet (counted when verifying to the end of the log).
     */
    public record Verification(boolean intact, String anchor, long fromPosition, long verifiedUpToPosition,
                               Long verifiedUpToGlobalIndex, long eventsChecked, Break firstBreak,
                               Duration took, long unchained, Duration chainWindow) {

        public String summary() {
            String upTo = verifiedUpToGlobalIndex != null
                    ? "event " + verifiedUpToGlobalIndex + " (chain position " + verifiedUpToPosition + ")"
                    : verifiedUpToPosition > 0 ? "chain position " + verifiedUpToPosition
                    : "the start of the log";
            String waiting = unchained == 0 ? "" : "; " + unchained + " events committed within the chain window ("
                    + chainWindow + ") not chained yet";
            return intact ? "intact up to " + upTo + ", " + eventsChecked + " events checked from " + anchor + waiting
                    : "BROKEN at " + (firstBreak.position() == null ? "" : "chain position " + firstBreak.position()
                    + ", ") + "event " + firstBreak.globalIndex() + ": " + firstBreak.kind() + ": "
                    + firstBreak.detail() + " (intact up to " + upTo + ")";
        }
    }

    /** Where to start: after {@code afterPosition}, whose link {@code link} is trusted ({@code anchor} says why). */
    public record Start(long afterPosition, byte[] link, String anchor) {
        public static final Start BEGINNING = new Start(0, new byte[0], "the start of the log");
    }

    /** Verifies from {@code start} up to {@code toPosition} (inclusive; null for the end of the log). */
    public Verification verify(Start start, Long toPosition) {
        long began = System.nanoTime();
        return readOnlyWalk(dataSource, "the log", connection -> walk(connection, start, toPosition, began));
    }

    /** A walk over a table that may be larger than the heap. */
    interface Walk<T> {
        T over(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code walk} on a read-only connection inside a transaction (PostgreSQL streams a cursor only inside one),
     * rolled back and restored afterwards; {@code what} names the table in the failure.
     */
    static <T> T readOnlyWalk(DataSource dataSource, String what, Walk<T> walk) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            try {
                return walk.over(connection);
            } finally {
                connection.rollback();
                connection.setReadOnly(false);
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read " + what + " to verify it", e);
        }
    }

    /** The stored link at {@code position}, to verify a range starting after it (trusting the database for it). */
    public Optional<byte[]> storedLink(long position) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT chain_hash FROM event_chain WHERE position = ?")) {
            query.setLong(1, position);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(row.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the chain", e);
        }
    }

    private Verification walk(Connection connection, Start start, Long toPosition, long began) throws SQLException {
        long position = start.afterPosition();
        Long globalIndex = null;
        byte[] link = start.link();
        long checked = 0;
        Break found = null;
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT c.position, c.global_index AS chained_index, c.event_hash, c.chain_hash, e.*
                FROM event_chain c LEFT JOIN domain_event_entry e ON e.global_index = c.global_index
                WHERE c.position > ? AND (?::bigint IS NULL OR c.position <= ?::bigint)
                ORDER BY c.position""")) {
            query.setFetchSize(FETCH_SIZE);
            query.setLong(1, start.afterPosition());
            query.setObject(2, toPosition);
            query.setObject(3, toPosition);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    long at = row.getLong("position");
                    long chainedIndex = row.getLong("chained_index");
                    byte[] recorded = row.getBytes("event_hash");
                    if (at != position + 1) {
                        found = new Break(Kind.MISSING, position + 1, null,
                                "the chain's link at position " + (position + 1) + " is gone");
                        break;
                    }
                    if (row.getString("event_identifier") == null) {
                        found = new Break(Kind.MISSING, at, chainedIndex,
                                "the event appended at index " + chainedIndex + " is no longer in the log");
                        break;
                    }
                    byte[] digest = EventDigest.of(row);
                    if (!MessageDigest.isEqual(digest, recorded)) {
                        found = misplacedOrChanged(connection, at, chainedIndex, digest);
                        break;
                    }
                    byte[] expected = EventDigest.link(link, recorded);
                    if (!MessageDigest.isEqual(expected, row.getBytes("chain_hash"))) {
                        found = new Break(Kind.ORDER, at, chainedIndex, "the link at position " + at
                                + " does not follow from position " + (at - 1) + " (the chain was rewritten)");
                        break;
                    }
                    position = at;
                    globalIndex = chainedIndex;
                    link = expected;
                    checked++;
                }
            }
        }
        long unchained = 0;
        if (found == null && toPosition == null) {
            Unchained waiting = unchained(connection);
            found = waiting.found();
            unchained = waiting.withinWindow();
        }
        return new Verification(found == null, start.anchor(), start.afterPosition(), position, globalIndex,
                checked, found, Duration.ofNanos(System.nanoTime() - began), unchained, chainWindow);
    }

    /** An event whose digest is recorded elsewhere in the chain was moved; otherwise it was changed. */
    private static Break misplacedOrChanged(Connection connection, long at, long index, byte[] digest)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT position FROM event_chain WHERE event_hash = ? ORDER BY position LIMIT 1")) {
            query.setBytes(1, digest);
            try (ResultSet row = query.executeQuery()) {
                if (row.next()) {
                    return new Break(Kind.ORDER, at, index, "the event now at index " + index
                            + " was appended at chain position " + row.getLong(1) + " (moved or swapped)");
                }
            }
        }
        return new Break(Kind.CONTENT, at, index, "the event at index " + index
                + " is not what was appended (digest " + HexFormat.of().formatHex(digest, 0, 8) + "...)");
    }

private record Unchained(Break found, long withinWindow) {
    }

    /**
     * Events in the log and not in the chain. One at a place in the chainer's order it has already passed (or from
     * before V47, whose trigger chained every append) can never be chained: it was inserted behind the log's back.
     * The others wait for the chainer: fine while younger than the window (by the event's own time), a break after.
     */
    private Unchained unchained(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("""
                WITH waiting AS (
                    SELECT e.global_index,
                           e.tx_id IS NULL OR (e.tx_id, e.global_index)
                               <= (coalesce(p.tx_id, '0'::xid8), p.global_index) AS passed,
                           CASE WHEN e.time_stamp ~ '^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z$'
                                THEN e.time_stamp::timestamptz END AS appended_at
                    FROM domain_event_entry e CROSS JOIN event_chain_progress p
                    WHERE NOT EXISTS (SELECT 1 FROM event_chain c WHERE c.global_index = e.global_index))
                SELECT (SELECT min(global_index) FROM waiting WHERE passed) AS behind,
                       (SELECT count(*) FROM waiting WHERE NOT passed
                            AND appended_at > now() - make_interval(secs => ?)) AS young,
                       (SELECT global_index FROM waiting WHERE NOT passed
                            AND coalesce(appended_at <= now() - make_interval(secs => ?), true)
                            ORDER BY appended_at NULLS FIRST, global_index LIMIT 1) AS stale,
                       (SELECT min(xact_start) FROM pg_stat_activity WHERE backend_xid IS NOT NULL) AS oldest_open""")) {
            double window = chainWindow.toMillis() / 1000.0;
            query.setDouble(1, window);
            query.setDouble(2, window);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                long young = row.getLong("young");
                long behind = row.getLong("behind");
                if (!row.wasNull()) {
                    return new Unchained(new Break(Kind.UNCHAINED, null, behind, "the event at index " + behind
                            + " was never chained: it was inserted behind the log's back"), young);
                }
                long stale = row.getLong("stale");
                if (!row.wasNull()) {
                    java.sql.Timestamp oldestOpen = row.getTimestamp("oldest_open");
                    return new Unchained(new Break(Kind.LAGGING, null, stale, "the event at index " + stale
                            + " waits for the chainer longer than the chain window (" + chainWindow + "): the chainer "
                            + "is not running" + (oldestOpen == null ? "" : ", or a transaction open since "
                            + oldestOpen.toInstant() + " holds it back")), young);
                }
                return new Unchained(null, young);
            }
        }
    }
}

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
 * Recomputes the log's hash chain (V14) and names the first event whose content, order or presence no longer
 * matches. Plain JDBC, so the same code runs in the API and from the command line against any database.
 */
public final class LogVerifier {

    private static final int FETCH_SIZE = 2_000;

    private final DataSource dataSource;

    public LogVerifier(DataSource dataSource) {
        this.dataSource = dataSource;
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
        /** An event is in the log that was never chained (inserted behind the trigger's back). */
        UNCHAINED
    }

    /**
     * The outcome. {@code anchor} is what the first checked link was trusted from: the start of the log, a
     * signed checkpoint, or the stored link before a range.
     */
    public record Verification(boolean intact, String anchor, long fromPosition, long verifiedUpToPosition,
                               Long verifiedUpToGlobalIndex, long eventsChecked, Break firstBreak,
                               Duration took) {

        public String summary() {
            String upTo = verifiedUpToGlobalIndex != null
                    ? "event " + verifiedUpToGlobalIndex + " (chain position " + verifiedUpToPosition + ")"
                    : verifiedUpToPosition > 0 ? "chain position " + verifiedUpToPosition
                    : "the start of the log";
            return intact ? "intact up to " + upTo + ", " + eventsChecked + " events checked from " + anchor
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
        if (found == null && toPosition == null) {
            found = firstUnchained(connection).orElse(null);
        }
        return new Verification(found == null, start.anchor(), start.afterPosition(), position, globalIndex,
                checked, found, Duration.ofNanos(System.nanoTime() - began));
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

    private static Optional<Break> firstUnchained(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT e.global_index FROM domain_event_entry e
                WHERE NOT EXISTS (SELECT 1 FROM event_chain c WHERE c.global_index = e.global_index)
                ORDER BY e.global_index LIMIT 1""");
             ResultSet row = query.executeQuery()) {
            if (row.next()) {
                long index = row.getLong(1);
                return Optional.of(new Break(Kind.UNCHAINED, null, index,
                        "the event at index " + index + " was never chained: it was inserted behind the log's back"));
            }
            return Optional.empty();
        }
    }
}

package dev.careloop.app.ledger;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Recomputes the access log's own hash chain (V41: the chain lives in {@code access_entry}'s rows) and names the
 * first entry whose content, order or presence no longer matches. The digest is computed here in Java, as
 * {@code access_digest} computes it in the database, so a verifier trusts no function stored in the database it
 * checks. Plain JDBC: the API and {@code verify-log} run the same code.
 */
public final class AccessChainVerifier {

    private static final int FETCH_SIZE = 2_000;
    private static final byte[] NOTHING = new byte[0];
    static final String ERASED = "(erased)";

    private final DataSource dataSource;

    public AccessChainVerifier(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** {@code firstBreak} null when intact; {@code position} is the last entry verified. */
    public record Verification(boolean intact, long entriesChecked, long position, String firstBreak,
                               Duration took) {

        public String summary() {
            return intact ? "access log intact up to entry " + position + ", " + entriesChecked
                    + " entries checked from the start"
                    : "access log BROKEN: " + firstBreak + " (intact up to entry " + position + ")";
        }
    }

    public Verification verify() {
        long began = System.nanoTime();
        return LogVerifier.readOnlyWalk(dataSource, "the access log", connection -> walk(connection, began));
    }

    private static Verification walk(Connection connection, long began) throws SQLException {
        long position = 0;
        byte[] link = NOTHING;
        String found = null;
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT (extract(epoch FROM accessed_at) * 1000000)::bigint AS accessed_micros, *
                FROM access_entry ORDER BY position""")) {
            query.setFetchSize(FETCH_SIZE);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    long at = row.getLong("position");
                    if (at != position + 1) {
                        found = "entry " + (position + 1) + " is gone (the next is " + at + ")";
                        break;
                    }
                    String text = row.getString("query");
                    byte[] queryDigest = row.getBytes("query_digest");
                    // Erasure replaces a query's text with the placeholder and keeps its digest (V41's trigger).
                    if (!ERASED.equals(text) && !MessageDigest.isEqual(text(text), queryDigest)) {
                        found = "entry " + at + ": its query is not what was recorded";
                        break;
                    }
                    byte[] digest = digest(row, queryDigest);
                    if (!MessageDigest.isEqual(digest, row.getBytes("entry_hash"))) {
                        found = "entry " + at + " is not what was recorded (digest "
                                + HexFormat.of().formatHex(digest, 0, 8) + "...)";
                        break;
                    }
                    byte[] expected = sha256(link, digest);
                    if (!MessageDigest.isEqual(expected, row.getBytes("chain_hash"))) {
                        found = "entry " + at + " does not follow from entry " + (at - 1)
                                + " (moved, inserted or the chain rewritten)";
                        break;
                    }
                    position = at;
                    link = expected;
                }
            }
        }
        return new Verification(found == null, position, position, found,
                Duration.ofNanos(System.nanoTime() - began));
    }

    /** As {@code access_digest} (V41): sha256 over the sha256 of each column, the query by its recorded digest. */
    static byte[] digest(ResultSet row, byte[] queryDigest) throws SQLException {
        MessageDigest outer = sha256();
        outer.update(text(Long.toString(row.getLong("accessed_micros"))));
        for (String column : new String[]{"request_id", "user_id", "user_name", "client", "organisation", "roles",
                "purpose_of_use", "channel", "action", "resource_type", "resource_id"}) {
            outer.update(text(row.getString(column)));
        }
        outer.update(queryDigest);
        Array ids = row.getArray("returned_ids");
        outer.update(text(ids == null ? "" : String.join("\n", (String[]) ids.getArray())));
        outer.update(text(row.getString("patient_id")));
        outer.update(text(Boolean.toString(row.getBoolean("allowed"))));
        outer.update(text(row.getString("reason")));
        return outer.digest();
    }

    private static byte[] text(String value) {
        return sha256().digest(value == null ? NOTHING : value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] previous, byte[] digest) {
        MessageDigest link = sha256();
        link.update(previous);
        link.update(digest);
        return link.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}

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
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * Recomputes the access log's own hash chain (V41: the chain lives in {@code access_entry}'s rows) and names the
 * first entry whose content, order or presence no longer matches. The digest is computed here in Java, as
 * {@code access_digest} computes it in the database, so a verifier trusts no function stored in the database it
 * checks. Plain JDBC: the API and {@code verify-log} run the same code. Given the heads that trusted checkpoints
 * signed (V48), it also compares its own link at each of them with the signed one: a chain rewritten from a changed
 * entry onwards is self-consistent, but no longer what was signed; and a log that ends before a signed head has
 * lost entries from its end.
 */
public final class AccessChainVerifier {

    private static final int FETCH_SIZE = 2_000;
    private static final byte[] NOTHING = new byte[0];
    static final String ERASED = "(erased)";

    private final DataSource dataSource;

    public AccessChainVerifier(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * {@code firstBreak} null when intact; {@code position} is the last entry verified; {@code checkpointsMatched}
     * the signed heads the recomputed chain went through and matched.
     */
    public record Verification(boolean intact, long entriesChecked, long position, String firstBreak,
                               Duration took, int checkpointsMatched, String anchor) {

        public String summary() {
            return intact ? "access log intact up to entry " + position + ", " + entriesChecked
                    + " entries checked from " + anchor + (checkpointsMatched == 0 ? ""
                    : ", " + checkpointsMatched + " signed checkpoint" + (checkpointsMatched == 1 ? "" : "s")
                    + " matched")
                    : "access log BROKEN: " + firstBreak + " (intact up to entry " + position + ")";
        }
    }

    static final String FROM_THE_START = "the start";

    /** A head of the access chain that a trusted key signed ({@code access_checkpoint}); {@code by} says whose. */
    public record SignedHead(long position, byte[] chainHash, String by) {
    }

    /** From the first entry; no checkpoint trusted. */
    public Verification verify() {
        return verify(List.of());
    }

    /** From the first entry, checking the recomputed chain against every head in {@code signed}. */
    public Verification verify(List<SignedHead> signed) {
        return verifyAfter(0, NOTHING, FROM_THE_START, signed);
    }

    /**
     * From the entry after {@code afterPosition}, whose link {@code link} is trusted ({@code anchor} says why), up to
     * the last entry, checking the heads in {@code signed} that lie after it.
     */
    Verification verifyAfter(long afterPosition, byte[] link, String anchor, List<SignedHead> signed) {
        long began = System.nanoTime();
        return LogVerifier.readOnlyWalk(dataSource, "the access log",
                connection -> walk(connection, afterPosition, link, anchor, signed, began));
    }

    private static Verification walk(Connection connection, long after, byte[] start, String anchor,
                                     List<SignedHead> signed, long began) throws SQLException {
        long position = after;
        byte[] link = start;
        String found = null;
        long checked = 0;
        int matched = 0;
        long vouched = after;
        Iterator<SignedHead> heads = signed.stream().filter(h -> h.position() > after)
                .sorted(Comparator.comparingLong(SignedHead::position)).iterator();
        SignedHead head = heads.hasNext() ? heads.next() : null;
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT (extract(epoch FROM accessed_at) * 1000000)::bigint AS accessed_micros, *
                FROM access_entry WHERE position > ? ORDER BY position""")) {
            query.setFetchSize(FETCH_SIZE);
            query.setLong(1, after);
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
                    checked++;
                    while (head != null && head.position() == at) {
                        if (!MessageDigest.isEqual(link, head.chainHash())) {
                            found = "the chain up to entry " + at + " is not the one " + head.by() + " signed: an "
                                    + "entry after entry " + vouched + " was changed and every later link rewritten";
                            position = vouched;
                            break;
                        }
                        matched++;
                        vouched = at;
                        head = heads.hasNext() ? heads.next() : null;
                    }
                    if (found != null) {
                        break;
                    }
                }
            }
        }
        if (found == null && head != null) {
            // Entries a checkpoint vouched for are gone from the end: nothing after them would show it otherwise.
            found = "entry " + head.position() + " was signed by " + head.by() + " but the log ends at entry "
                    + position + ": entries were removed from its end";
        }
        return new Verification(found == null, checked, position, found,
                Duration.ofNanos(System.nanoTime() - began), matched, anchor);
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

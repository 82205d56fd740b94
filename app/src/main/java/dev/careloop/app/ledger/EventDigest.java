package dev.careloop.app.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The digest of one stored event and the link that chains it, exactly as the database's {@code event_digest}
 * and {@code chain_event} (V14) compute them: sha256 over the sha256 of each column, and
 * sha256(previous link || event digest).
 */
final class EventDigest {

    private static final byte[] NOTHING = new byte[0];

    private EventDigest() {
    }

    /** The digest of the event in the current row of {@code row} (columns of domain_event_entry). */
    static byte[] of(ResultSet row) throws SQLException {
        MessageDigest outer = sha256();
        outer.update(text(row.getString("event_identifier")));
        outer.update(text(row.getString("aggregate_identifier")));
        outer.update(text(Long.toString(row.getLong("sequence_number"))));
        outer.update(text(row.getString("type")));
        outer.update(text(row.getString("payload_type")));
        outer.update(text(row.getString("payload_revision")));
        outer.update(text(row.getString("time_stamp")));
        outer.update(digest(row.getBytes("payload")));
        outer.update(digest(row.getBytes("meta_data")));
        return outer.digest();
    }

    static byte[] link(byte[] previous, byte[] eventDigest) {
        MessageDigest link = sha256();
        link.update(previous == null ? NOTHING : previous);
        link.update(eventDigest);
        return link.digest();
    }

    private static byte[] text(String value) {
        return digest(value == null ? NOTHING : value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] digest(byte[] bytes) {
        return sha256().digest(bytes == null ? NOTHING : bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}

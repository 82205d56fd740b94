package dev.careloop.command.record;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Which refused reads of a record's content become RecordAccessDenied events, so that refusals cannot flood the
 * log: the first refusal of an actor + record + reason in a window (careloop.records.denials.window, a minute) is
 * appended; the repeats are counted (record_access_denial_window.refused, since the first) and not appended again.
 * And no organisation appends more than careloop.records.denials.per-organisation (60) denials per window; past it
 * they are counted (record_access_denial_cap.suppressed), and a refusal not yet recorded is recorded on a later try
 * once the organisation's window has room. Every denial, whatever its reason, goes through here. The caller's
 * answer (404) never changes.
 */
@Component
class RefusedReads {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Duration window;
    private final int perOrganisation;

    RefusedReads(JdbcTemplate jdbc, TransactionTemplate tx,
                 @Value("${careloop.records.denials.window:PT1M}") Duration window,
                 @Value("${careloop.records.denials.per-organisation:60}") int perOrganisation) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.window = window;
        this.perOrganisation = perOrganisation;
    }

    /**
     * Counts the refusal and runs {@code append} (which publishes the RecordAccessDenied) when it is to be recorded,
     * in the same transaction as the count. Answers whether it was recorded.
     */
    boolean refused(String organisation, String actor, String recordId, String reason, Instant at, Runnable append) {
        Timestamp now = Timestamp.from(at);
        Timestamp windowStartedBefore = Timestamp.from(at.minus(window));
        String key = key(organisation, actor, recordId, reason);
        Boolean recorded = tx.execute(status -> {
            Boolean alreadyRecorded = jdbc.queryForObject("""
                    INSERT INTO record_access_denial_window AS w
                        (window_key, organisation, actor, record_id, reason, window_start, refused, recorded)
                    VALUES (?, ?, ?, ?, ?, ?, 1, FALSE)
                    ON CONFLICT (window_key) DO UPDATE SET
                        refused = w.refused + 1,
                        recorded = w.recorded AND w.window_start > ?,
                        window_start = CASE WHEN w.window_start > ? THEN w.window_start ELSE EXCLUDED.window_start END
                    RETURNING recorded""", Boolean.class,
                    key, organisation, actor, recordId, reason, now, windowStartedBefore, windowStartedBefore);
            if (Boolean.TRUE.equals(alreadyRecorded)) {
                return false;
            }
            Integer recordedByOrganisation = jdbc.queryForObject("""
                    INSERT INTO record_access_denial_cap AS c (organisation, window_start, recorded, suppressed)
                    VALUES (?, ?, 0, 0)
                    ON CONFLICT (organisation) DO UPDATE SET
                        recorded = CASE WHEN c.window_start > ? THEN c.recorded ELSE 0 END,
                        window_start = CASE WHEN c.window_start > ? THEN c.window_start ELSE EXCLUDED.window_start END
                    RETURNING recorded""", Integer.class, organisation, now, windowStartedBefore, windowStartedBefore);
            if (recordedByOrganisation != null && recordedByOrganisation >= perOrganisation) {
                jdbc.update("UPDATE record_access_denial_cap SET suppressed = suppressed + 1 WHERE organisation = ?",
                        organisation);
                return false;
            }
            jdbc.update("UPDATE record_access_denial_cap SET recorded = recorded + 1 WHERE organisation = ?",
                    organisation);
            jdbc.update("UPDATE record_access_denial_window SET recorded = TRUE WHERE window_key = ?", key);
            append.run();
            return true;
        });
        return Boolean.TRUE.equals(recorded);
    }

    /** The four as one fixed-length key: a record id may be as long as a caller makes it. */
    private static String key(String organisation, String actor, String recordId, String reason) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {organisation, actor, recordId, reason}) {
                sha256.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                sha256.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

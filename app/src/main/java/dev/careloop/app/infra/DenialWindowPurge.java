package dev.careloop.app.infra;

import dev.careloop.plumbing.PeriodicTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Forgets refused-read windows long past ({@code record_access_denial_window}, see command-side RefusedReads): a
 * window that ended before {@code careloop.records.denials.keep} (a day) can no longer hold back an append, and its
 * first refusal is in the log as a RecordAccessDenied. Without this the table grows by one row per actor, record and
 * reason ever refused. Once per cluster round, hourly.
 */
@Component
class DenialWindowPurge extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(DenialWindowPurge.class);

    private final JdbcTemplate jdbc;
    private final Duration keep;

    DenialWindowPurge(JdbcTemplate jdbc,
                      @Value("${careloop.records.denials.keep:P1D}") Duration keep,
                      @Value("${careloop.records.denials.purge-interval:PT1H}") Duration interval) {
        super("denial-window-purge", interval, Rounds.CLUSTER_WIDE);
        this.jdbc = jdbc;
        this.keep = keep;
    }

    /** Deletes the windows that started before the keep period; answers how many. */
    int purge() {
        int purged = jdbc.update("DELETE FROM record_access_denial_window WHERE window_start < now() - make_interval(secs => ?)",
                keep.toSeconds());
        if (purged > 0) {
            log.info("Forgot {} refused-read window(s) older than {}", purged, keep);
        }
        return purged;
    }

    @Override
    protected void runOnce() {
        purge();
    }
}

package dev.careloop.app;

import org.springframework.jdbc.core.JdbcTemplate;

import java.util.ArrayList;
import java.util.List;

/**
 * Analytics rows a test ages in place (an open loop must be older than its target, longer than a test can wait), put
 * back afterwards as the log has them, so that the shared context's tables stay what a rebuild from the log makes
 * (RebuildReadModelsTest compares the two).
 */
public final class AgedAnalytics {

    private final List<String> aged = new ArrayList<>();

    /** Sends the referral's analytics row 40 days back; false while the projection has not written it yet. */
    public boolean age(JdbcTemplate jdbc, String referralId) {
        boolean done = jdbc.update("UPDATE analytics_referral SET sent_at = sent_at - interval '40 days' "
                + "WHERE referral_id = ?", referralId) == 1;
        if (done) {
            aged.add(referralId);
        }
        return done;
    }

    /** Puts every row this aged back where the log has it. */
    public void restore(JdbcTemplate jdbc) {
        aged.forEach(id -> jdbc.update("UPDATE analytics_referral SET sent_at = sent_at + interval '40 days' "
                + "WHERE referral_id = ?", id));
        aged.clear();
    }
}

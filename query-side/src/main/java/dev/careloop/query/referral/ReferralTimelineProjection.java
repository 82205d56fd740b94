package dev.careloop.query.referral;

import dev.careloop.api.referral.ReferralEvent;
import dev.careloop.query.EventJournal;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The referral_timeline table: every event of a referral with who did it, for which organisation, in
 * which role and request, for what purpose, and when. Same processing group as the view, so both move
 * in one transaction with the token.
 */
@Component
@ProcessingGroup(ReferralViewProjection.GROUP)
class ReferralTimelineProjection {

    private static final EventJournal.Table TIMELINE =
            new EventJournal.Table("referral_timeline", "referral_id", "referralId");

    private final JdbcTemplate jdbc;
    private final EventJournal journal;

    ReferralTimelineProjection(JdbcTemplate jdbc, EventJournal journal) {
        this.jdbc = jdbc;
        this.journal = journal;
    }

    @EventHandler
    void on(ReferralEvent e, DomainEventMessage<?> message) {
        journal.record(TIMELINE, e.referralId(), e.status().code(), e, message);
    }

    @ResetHandler
    void reset() {
        jdbc.update("DELETE FROM referral_timeline");
    }
}

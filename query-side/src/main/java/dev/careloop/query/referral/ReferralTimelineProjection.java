package dev.careloop.query.referral;

import dev.careloop.api.privacy.PatientErased;
import dev.careloop.api.referral.ReferralEvent;
import dev.careloop.query.EventJournal;
import dev.careloop.query.privacy.PatientScrub;
import dev.careloop.query.replay.Journal;
import dev.careloop.query.replay.Stores;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.stereotype.Component;

/**
 * The referral_timeline table: every event of a referral with who did it, for which organisation, in
 * which role and request, for what purpose, and when. Same processing group as the view, so both move
 * in one transaction with the token.
 */
@Component
@ProcessingGroup(ReferralViewProjection.GROUP)
class ReferralTimelineProjection implements PatientScrub {

    static final String TABLE = "referral_timeline";

    private final EventJournal entries;
    private final Journal<EventJournal.Entry> timeline;

    ReferralTimelineProjection(Stores stores, EventJournal entries) {
        this.entries = entries;
        this.timeline = stores.journal(EventJournal.table(TABLE, "referral_id"));
    }

    @EventHandler
    void on(ReferralEvent e, DomainEventMessage<?> message) {
        timeline.add(entries.entry("referralId", e.referralId(), e.status().code(), e, message));
    }

    /** After every earlier event of this group: no copy of the erased identity outlives the erasure here. */
    @EventHandler
    void on(PatientErased e) {
        scrub(e.patientId());
    }

    @Override
    public int scrub(String patientId) {
        return entries.erasePatient(timeline, patientId);
    }

    @ResetHandler
    void reset() {
        timeline.clear();
    }
}

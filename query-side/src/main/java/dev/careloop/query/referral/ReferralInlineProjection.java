package dev.careloop.query.referral;

import dev.careloop.query.EventJournal;
import dev.careloop.query.InlineProjection;
import dev.careloop.query.replay.Stores;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The referral view and timeline in the command's own transaction: the view only ever to the next version of a row
 * ({@link ReferralViewProjection#inline}), the timeline by event id (a second add of one event keeps the first).
 * The view first, then the timeline: the order a rebuild's switch takes their locks in.
 */
@Component
class ReferralInlineProjection implements InlineProjection {

    private final Stores stores;
    private final EventJournal entries;

    ReferralInlineProjection(Stores stores, EventJournal entries) {
        this.stores = stores;
        this.entries = entries;
    }

    @Override
    public String group() {
        return ReferralViewProjection.GROUP;
    }

    @Override
    public List<Object> handlers() {
        return List.of(ReferralViewProjection.inline(stores), new ReferralTimelineProjection(stores, entries));
    }
}

package dev.careloop.query.analytics;

import dev.careloop.api.Actor;
import dev.careloop.api.MetadataKeys;
import dev.careloop.api.partnership.PartnershipGoalSet;
import dev.careloop.api.partnership.PartnershipGoalWithdrawn;
import dev.careloop.query.ReadModels;
import dev.careloop.query.replay.Rows;
import dev.careloop.query.replay.Stores;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.MetaData;
import org.springframework.stereotype.Component;

import static dev.careloop.query.replay.RowValues.stored;

/**
 * partnership_goal: the goals organisations set on their partnerships, in the analytics group (rebuilt with it).
 * Each goal's events are applied once (guarded by its version, the number of its events applied).
 */
@Component
@ProcessingGroup(AnalyticsProjection.GROUP)
class PartnershipGoalProjection {

    private final Rows<PartnershipGoalRow> goals;

    PartnershipGoalProjection(Stores stores) {
        this.goals = stores.rows(PartnershipGoalRow.TABLE);
    }

    @EventHandler
    void on(PartnershipGoalSet e, DomainEventMessage<?> message) {
        if (goals.find(e.goalId()) != null) {
            return;
        }
        goals.put(new PartnershipGoalRow(e.goalId(), version(message), e.organisation(), e.partner(),
                e.measure(), e.comparison(), e.target(), e.withinDays(), e.priority(), e.service(), e.direction(),
                e.reason(), who(message.getMetaData()), stored(message.getTimestamp()), null, null, null));
    }

    @EventHandler
    void on(PartnershipGoalWithdrawn e, DomainEventMessage<?> message) {
        PartnershipGoalRow goal = goals.find(e.goalId());
        if (goal == null || goal.version() >= version(message)) {
            return;
        }
        goals.put(goal.withdrawn(version(message), who(message.getMetaData()), message.getTimestamp(), e.reason()));
    }

    /** The goal's version once this event is applied: its number of events, as the aggregate answers it (ETag). */
    private static long version(DomainEventMessage<?> message) {
        return message.getSequenceNumber() + 1;
    }

    @ResetHandler
    void reset() {
        goals.clear();
    }

    private static String who(MetaData md) {
        return Actor.shownAs(ReadModels.text(md, MetadataKeys.USER_NAME), ReadModels.text(md, MetadataKeys.CLIENT),
                ReadModels.text(md, MetadataKeys.USER));
    }
}

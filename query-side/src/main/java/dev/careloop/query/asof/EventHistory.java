package dev.careloop.query.asof;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * An aggregate's events as the event store holds them, in sequence order: the only source of as-of answers (never
 * the read models). Read from sequence 0, past any snapshot, because a snapshot is the command side's private form.
 */
@Component
class EventHistory {

    private final EventStore eventStore;

    EventHistory(EventStore eventStore) {
        this.eventStore = eventStore;
    }

    List<? extends DomainEventMessage<?>> of(String aggregateId) {
        return eventStore.readEvents(aggregateId, 0).asStream().toList();
    }
}

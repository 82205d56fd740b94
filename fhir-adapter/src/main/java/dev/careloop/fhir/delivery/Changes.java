package dev.careloop.fhir.delivery;

import dev.careloop.fhir.mapping.ChangeProjector;
import dev.careloop.fhir.mapping.FhirChange;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

/** The FHIR change one event made: its aggregate's history up to that event, read from the log and projected. */
@Component
class Changes {

    private final EventStore eventStore;
    private final ChangeProjector projector;

    Changes(EventStore eventStore, ChangeProjector projector) {
        this.eventStore = eventStore;
        this.projector = projector;
    }

    FhirChange madeBy(DomainEventMessage<?> event) {
        return projector.project(historyUpTo(event.getAggregateIdentifier(), event.getSequenceNumber()));
    }

    /** The change made by an aggregate's first event (what its referral is, for the ordering of delivery). */
    FhirChange madeByFirstEventOf(String aggregateId) {
        return projector.project(historyUpTo(aggregateId, 0));
    }

    private List<DomainEventMessage<?>> historyUpTo(String aggregateId, long sequenceNumber) {
        // From sequence 0, never from a snapshot: the projector wants the events themselves.
        DomainEventStream stream = eventStore.readEvents(aggregateId, 0);
        List<DomainEventMessage<?>> history = new ArrayList<>();
        while (stream.hasNext()) {
            DomainEventMessage<?> next = stream.next();
            if (next.getSequenceNumber() > sequenceNumber) {
                break;
            }
            history.add(next);
        }
        if (history.isEmpty() || history.get(history.size() - 1).getSequenceNumber() != sequenceNumber) {
            throw new IllegalStateException("the log has no event " + sequenceNumber + " of aggregate " + aggregateId);
        }
        return history;
    }
}

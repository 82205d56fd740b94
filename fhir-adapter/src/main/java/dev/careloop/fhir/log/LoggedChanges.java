package dev.careloop.fhir.log;

import dev.careloop.fhir.mapping.ChangeProjector;
import dev.careloop.fhir.mapping.FhirChange;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

/**
 * The FHIR change one event made: its aggregate's history up to that event, read from the log and projected.
 * What partner delivery sends, what the facade's index records, and what vread serves all come from here.
 */
@Component
public class LoggedChanges {

    private final EventStore eventStore;
    private final ChangeProjector projector;

    public LoggedChanges(EventStore eventStore, ChangeProjector projector) {
        this.eventStore = eventStore;
        this.projector = projector;
    }

    /**
     * The change made by event {@code sequenceNumber} of an aggregate. Throws when the log does not hold that event
     * (yet), so an event processor retries.
     */
    public FhirChange madeBy(String aggregateId, long sequenceNumber) {
        List<DomainEventMessage<?>> history = history(aggregateId, sequenceNumber);
        if (history.size() != sequenceNumber + 1) {
            throw new IllegalStateException("the log holds " + history.size() + " events of " + aggregateId
                    + ", not the " + (sequenceNumber + 1) + " needed to project event #" + sequenceNumber);
        }
        return projector.project(history);
    }

    /** An aggregate's events from the first up to {@code lastSequenceNumber} (as many as the log holds). */
    public List<DomainEventMessage<?>> history(String aggregateId, long lastSequenceNumber) {
        // From sequence 0, never from a snapshot: every change is projected from the first event.
        DomainEventStream stream = eventStore.readEvents(aggregateId, 0);
        List<DomainEventMessage<?>> history = new ArrayList<>();
        while (stream.hasNext()) {
            DomainEventMessage<?> next = stream.next();
            if (next.getSequenceNumber() > lastSequenceNumber) {
                break;
            }
            history.add(next);
        }
        return history;
    }
}

package dev.careloop.fhir.log;

import dev.careloop.fhir.mapping.ChangeProjector;
import dev.careloop.fhir.mapping.FhirChange;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The FHIR change one event made: its aggregate's history up to that event, read from the log and projected.
 * What partner delivery sends, what the facade's index records, and what vread serves all come from here.
 */
@Component
public class LoggedChanges {

    private static final AtomicLong INSTANCES = new AtomicLong();

    private final EventStore eventStore;
    private final ChangeProjector projector;
    /** Where this instance keeps, in a unit of work's resources, the histories it read in that unit of work. */
    private final String historiesKey = LoggedChanges.class.getName() + ".histories#" + INSTANCES.incrementAndGet();

    public LoggedChanges(EventStore eventStore, ChangeProjector projector) {
        this.eventStore = eventStore;
        this.projector = projector;
    }

    /**
     * The change made by event {@code sequenceNumber} of an aggregate. Throws when the log does not hold that event
     * (yet), so an event processor retries.
     */
    public FhirChange madeBy(String aggregateId, long sequenceNumber) {
        return projected(aggregateId, sequenceNumber, history(aggregateId, sequenceNumber));
    }

    /**
     * {@link #madeBy}, reading each aggregate's history from the log once per unit of work (an event processor's
     * batch) rather than once per event: the events read stay with the unit of work, and a later event of the same
     * aggregate reads only the events after them. Outside a unit of work, exactly {@link #madeBy}.
     * <p>
     * Only for a caller that may see, for the rest of its batch, the events as the batch first read them: an erasure
     * (crypto-shredding) that lands during a batch shows from the next batch on. Partner delivery must not use it: an
     * erasure in its batch is sent as it is after the erasure.
     */
    public FhirChange madeByInBatch(String aggregateId, long sequenceNumber) {
        if (!CurrentUnitOfWork.isStarted()) {
            return madeBy(aggregateId, sequenceNumber);
        }
        Map<String, List<DomainEventMessage<?>>> histories =
                CurrentUnitOfWork.get().root().getOrComputeResource(historiesKey, key -> new HashMap<>());
        List<DomainEventMessage<?>> held = histories.computeIfAbsent(aggregateId, id -> new ArrayList<>());
        if (held.size() <= sequenceNumber) {
            readAfter(aggregateId, held);
        }
        return projected(aggregateId, sequenceNumber,
                held.size() > sequenceNumber ? List.copyOf(held.subList(0, (int) sequenceNumber + 1)) : held);
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

    /** Appends to {@code held} (the aggregate's first events, in order) every later event the log holds. */
    private void readAfter(String aggregateId, List<DomainEventMessage<?>> held) {
        DomainEventStream stream = eventStore.readEvents(aggregateId, held.size());
        while (stream.hasNext()) {
            DomainEventMessage<?> next = stream.next();
            if (next.getSequenceNumber() != held.size()) {
                // A gap: what follows cannot be projected, and held must stay the first events without one.
                break;
            }
            held.add(next);
        }
    }

    private FhirChange projected(String aggregateId, long sequenceNumber, List<DomainEventMessage<?>> history) {
        if (history.size() != sequenceNumber + 1) {
            throw new IllegalStateException("the log holds " + history.size() + " events of " + aggregateId
                    + ", not the " + (sequenceNumber + 1) + " needed to project event #" + sequenceNumber);
        }
        return projector.project(history);
    }
}

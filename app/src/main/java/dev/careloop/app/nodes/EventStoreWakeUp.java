package dev.careloop.app.nodes;

import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;

/**
 * Tells Axon's embedded event store that the log grew on another node. Its tailing readers wake on a local commit
 * only (EmbeddedEventStore.afterCommit, protected) and otherwise poll once a second; Axon's auto-configuration
 * makes the store, and replacing that bean takes the JDBC storage engine's auto-configuration with it, so the same
 * wake-up a local commit gives is called here on the store that exists.
 */
@Component
class EventStoreWakeUp {

    private final EventStore eventStore;
    private final MethodHandle afterCommit;

    EventStoreWakeUp(EventStore eventStore) throws ReflectiveOperationException {
        this.eventStore = eventStore;
        this.afterCommit = eventStore instanceof EmbeddedEventStore
                ? MethodHandles.privateLookupIn(EmbeddedEventStore.class, MethodHandles.lookup())
                .findVirtual(EmbeddedEventStore.class, "afterCommit", MethodType.methodType(void.class, List.class))
                : null;
    }

    /** Another node appended: this node's tracking processors fetch now if they are waiting. */
    void logGrew() {
        if (afterCommit == null) {
            return;
        }
        try {
            afterCommit.invoke(eventStore, List.of());
        } catch (Throwable e) {
            throw new IllegalStateException("could not wake the event store's readers", e);
        }
    }
}

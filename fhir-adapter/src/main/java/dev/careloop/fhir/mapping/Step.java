package dev.careloop.fhir.mapping;

import org.axonframework.eventhandling.DomainEventMessage;

import java.time.Instant;

/** One event of an aggregate's history, as the mappings need it: its version, time, payload and actor. */
record Step(String aggregateId, long version, Instant recorded, Object event, Acting acting) {

    static Step of(DomainEventMessage<?> message) {
        return new Step(message.getAggregateIdentifier(), message.getSequenceNumber() + 1, message.getTimestamp(),
                message.getPayload(), Acting.of(message.getMetaData()));
    }

    boolean creates() {
        return version == 1;
    }

    /** The event's name, which is also its code in CareLoop's event-type code system. */
    String eventName() {
        return event.getClass().getSimpleName();
    }

    <R extends org.hl7.fhir.r4.model.Resource> R stamp(R resource, String id) {
        return R4.stamp(resource, id, version, recorded);
    }
}

package dev.careloop.fhir.mapping;

import org.axonframework.eventhandling.DomainEventMessage;

import java.util.List;

/** Projects an aggregate's history into FHIR: pure, deterministic, no I/O. */
public interface ChangeProjector {

    /**
     * The change made by the last event of {@code history}: one aggregate's events in sequence order, from its
     * first event. Projecting the first n events gives what the resources were after the n-th change (vread).
     */
    FhirChange project(List<? extends DomainEventMessage<?>> history);
}

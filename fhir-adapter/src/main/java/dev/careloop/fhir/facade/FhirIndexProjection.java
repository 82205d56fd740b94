package dev.careloop.fhir.facade;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.stereotype.Component;

/**
 * Keeps fhir_resource_index in step with the log: each event's change, projected from its aggregate's history,
 * indexed. Its own processing group, so it can be replayed (reset) without touching the other read models.
 */
@Component
@ProcessingGroup(FhirIndexProjection.GROUP)
class FhirIndexProjection {

    static final String GROUP = "fhir-index";

    private final FhirLog log;
    private final ResourceIndex index;

    FhirIndexProjection(FhirLog log, ResourceIndex index) {
        this.log = log;
        this.index = index;
    }

    @EventHandler
    void on(Object event, DomainEventMessage<?> message) {
        if (message.getType() == null || !FhirLog.AGGREGATE_TYPES.contains(message.getType())) {
            // Events without an aggregate (a refused read) and aggregates the mapping does not know.
            return;
        }
        index.record(log.change(message.getAggregateIdentifier(), message.getSequenceNumber()));
    }

    @ResetHandler
    void reset() {
        index.clear();
    }
}

package dev.careloop.fhir.facade;

import dev.careloop.fhir.directory.FhirPeople;
import dev.careloop.fhir.mapping.FhirChange;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

import java.time.Instant;

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
    private final FhirPeople people;

    FhirIndexProjection(FhirLog log, ResourceIndex index, FhirPeople people) {
        this.log = log;
        this.index = index;
        this.people = people;
    }

    @EventHandler
    void on(Object event, DomainEventMessage<?> message) {
        if (message.getType() == null || !FhirLog.AGGREGATE_TYPES.contains(message.getType())) {
            // Events without an aggregate (a refused read) and aggregates the mapping does not know.
            return;
        }
        FhirChange change = log.change(message.getAggregateIdentifier(), message.getSequenceNumber());
        index.record(change);
        persons(change);
    }

    /**
     * The person who made the change (its Provenance's author) or read a record (its AuditEvent's recipient), for the
     * organisation they acted for: the Practitioners and PractitionerRoles those resources name.
     */
    private void persons(FhirChange change) {
        for (Resource resource : change.resources()) {
            if (resource instanceof Provenance provenance) {
                for (Provenance.ProvenanceAgentComponent agent : provenance.getAgent()) {
                    person(agent.getWho(), agent.getOnBehalfOf(), change, provenance.getRecorded().toInstant());
                }
            } else if (resource instanceof AuditEvent audit) {
                Reference organisation = audit.getAgent().stream().map(AuditEvent.AuditEventAgentComponent::getWho)
                        .filter(who -> isA("Organization", who)).findFirst().orElse(new Reference());
                audit.getAgent().forEach(agent -> person(agent.getWho(), organisation, change,
                        audit.getRecorded().toInstant()));
            }
        }
    }

    private void person(Reference who, Reference organisation, FhirChange change, Instant at) {
        if (isA("Practitioner", who) && who.hasIdentifier() && who.hasDisplay() && isA("Organization", organisation)) {
            people.acted(who.getIdentifier().getValue(), who.getDisplay(),
                    organisation.getReferenceElement().getIdPart(), change.aggregateId(), at);
        }
    }

    private static boolean isA(String resourceType, Reference reference) {
        return reference != null && reference.hasReference()
                && resourceType.equals(reference.getReferenceElement().getResourceType());
    }

    @ResetHandler
    void reset() {
        index.clear();
        people.clear();
    }
}

package dev.careloop.fhir.mapping;

import org.axonframework.eventhandling.DomainEventMessage;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;

import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A period or a patient's history from the audit trail as a FHIR Bundle (type collection): one AuditEvent per
 * entry in the IHE BALP style (the disclosure's own for a record read), and the Provenance of every change among
 * them, projected from the log like the facade's. Names patients by their pseudonymous platform id only.
 */
public final class AuditTrailExport {

    private final ChangeProjector projector;

    public AuditTrailExport(ChangeProjector projector) {
        this.projector = projector;
    }

    /**
     * One entry of the audit trail. {@code aggregateType} is the trail's kind (referral, record, appointment,
     * patient, audit); {@code sequence} the event's place in its aggregate, null for events without one;
     * {@code patientIdentifier} the patient's MRN as {@code system|value} where known and not erased; {@code query}
     * the parameters of a read of the trail or of a search of patient data ({@code name=value&...}), null for any
     * other entry; {@code access} what a read of patient data (an entry of the access log) read, null for an event.
     */
    public record Entry(String eventId, Instant occurredAt, String eventType, String description,
                        String aggregateType, String aggregateId, Long sequence, String patientId, String user,
                        String userName, String organisation, String client, String purposeOfUse, String correlationId,
                        String patientIdentifier, String query, Access access) {

        /** An entry of the event log, with the patient's MRN and a read of the trail's query where known. */
        public Entry(String eventId, Instant occurredAt, String eventType, String description, String aggregateType,
                     String aggregateId, Long sequence, String patientId, String user, String userName,
                     String organisation, String client, String purposeOfUse, String correlationId,
                     String patientIdentifier, String query) {
            this(eventId, occurredAt, eventType, description, aggregateType, aggregateId, sequence, patientId, user,
                    userName, organisation, client, purposeOfUse, correlationId, patientIdentifier, query, null);
        }

        /** An entry without the patient's MRN or a query. */
        public Entry(String eventId, Instant occurredAt, String eventType, String description, String aggregateType,
                     String aggregateId, Long sequence, String patientId, String user, String userName,
                     String organisation, String client, String purposeOfUse, String correlationId) {
            this(eventId, occurredAt, eventType, description, aggregateType, aggregateId, sequence, patientId, user,
                    userName, organisation, client, purposeOfUse, correlationId, null, null, null);
        }
    }

    /**
     * A read of patient data as the access log holds it: {@code action} R (one resource, {@code resourceType} and
     * {@code resourceId} as CareLoop names them, {@code Task} or {@code ReferralTimeline}) or E (a list or search:
     * the entry's query and the ids it returned, in order), through {@code channel} (rest, fhir), allowed or refused
     * for {@code reason} (as the officer may see it).
     */
    public record Access(String action, String channel, String resourceType, String resourceId,
                         List<String> returnedIds, boolean allowed, String reason) {

        public Access {
            returnedIds = returnedIds == null ? List.of() : List.copyOf(returnedIds);
        }
    }

    /** The bundle; {@code histories} gives an aggregate's events in order (read once per aggregate). */
    public Bundle bundle(List<Entry> entries, Function<String, List<? extends DomainEventMessage<?>>> histories,
                         Instant generated) {
        Map<String, List<? extends DomainEventMessage<?>>> read = new HashMap<>();
        Map<String, Resource> resources = new LinkedHashMap<>();
        for (Entry entry : entries) {
            AuditEvent audit = null;
            if (entry.sequence() != null && entry.aggregateId() != null) {
                List<? extends DomainEventMessage<?>> history = read.computeIfAbsent(entry.aggregateId(), histories);
                int upTo = (int) Math.min(entry.sequence() + 1, history.size());
                if (upTo > 0) {
                    FhirChange change = projector.project(history.subList(0, upTo));
                    for (Resource resource : change.resources()) {
                        if (resource instanceof Provenance) {
                            resources.putIfAbsent("Provenance/" + resource.getIdPart(), resource);
                        } else if (resource instanceof AuditEvent disclosure) {
                            audit = disclosure;
                        }
                    }
                }
            }
            if (audit == null) {
                audit = entry.access() != null ? AuditEvents.access(entry) : AuditEvents.activity(entry);
            }
            resources.putIfAbsent("AuditEvent/" + audit.getIdPart(), audit);
        }
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        bundle.setTimestamp(Date.from(generated));
        resources.forEach((key, resource) -> bundle.addEntry()
                .setFullUrl(R4.BASE + "/" + key).setResource(resource));
        return bundle;
    }
}

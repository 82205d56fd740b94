package dev.careloop.query;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.Patient;
import dev.careloop.query.privacy.ClinicalTexts;
import dev.careloop.query.replay.Journal;
import dev.careloop.query.replay.RowTable;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.messaging.MetaData;
import org.springframework.stereotype.Component;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.filter.FilteringGeneratorDelegate;
import tools.jackson.core.filter.TokenFilter;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.StringWriter;
import java.time.Instant;
import java.util.List;

import static dev.careloop.query.replay.RowValues.instant;

/**
 * The rows of a per-aggregate journal table (referral_timeline, appointment_history): what happened, who did it,
 * for which organisation, in which role and request, for what purpose, and when. The tables share their columns;
 * only the name of the aggregate's id column differs. Keyed by event id, so redelivery adds nothing.
 */
@Component
public class EventJournal {

    /** One event in a journal; {@code details} is the payload as JSON, without the aggregate id and status. */
    public record Entry(String eventId, String aggregateId, long sequenceNumber, String eventType, String status,
                        Instant occurredAt, String actorUser, String actorName, String actorOrg, String actorRoles, String client,
                        String purposeOfUse, String correlationId, String causationId, String details) {

        Entry withDetails(String newDetails) {
            return new Entry(eventId, aggregateId, sequenceNumber, eventType, status, occurredAt, actorUser, actorName,
                    actorOrg, actorRoles, client, purposeOfUse, correlationId, causationId, newDetails);
        }
    }

    private final ObjectMapper json;
    private final ClinicalTexts clinicalTexts;

    public EventJournal(ObjectMapper json, ClinicalTexts clinicalTexts) {
        this.json = json;
        this.clinicalTexts = clinicalTexts;
    }

    /** A journal table; its names are constants of the projection that owns it, never user input. */
    public static RowTable<Entry> table(String name, String idColumn) {
        return RowTable.<Entry>named(name)
                .column("event_id", Entry::eventId)
                .column(idColumn, Entry::aggregateId)
                .column("sequence_number", Entry::sequenceNumber)
                .column("event_type", Entry::eventType)
                .column("status", Entry::status)
                .column("occurred_at", Entry::occurredAt)
                .column("actor_user", Entry::actorUser)
                .column("actor_name", Entry::actorName)
                .column("actor_org", Entry::actorOrg)
                .column("actor_roles", Entry::actorRoles)
                .column("client", Entry::client)
                .column("purpose_of_use", Entry::purposeOfUse)
                .column("correlation_id", Entry::correlationId)
                .column("causation_id", Entry::causationId)
                .json("details", Entry::details)
                .key("event_id")
                .reader(rs -> new Entry(rs.getString("event_id"), rs.getString(idColumn), rs.getLong("sequence_number"),
                        rs.getString("event_type"), rs.getString("status"), instant(rs.getTimestamp("occurred_at")),
                        rs.getString("actor_user"), rs.getString("actor_name"), rs.getString("actor_org"), rs.getString("actor_roles"),
                        rs.getString("client"), rs.getString("purpose_of_use"), rs.getString("correlation_id"),
                        rs.getString("causation_id"), rs.getString("details")));
    }

    /** The entry of one event; {@code idProperty} is the payload's field naming the aggregate. */
    public Entry entry(String idProperty, String aggregateId, String statusCode, Object event,
                       DomainEventMessage<?> message) {
        MetaData md = message.getMetaData();
        return new Entry(message.getIdentifier(), aggregateId, message.getSequenceNumber(),
                event.getClass().getSimpleName(), statusCode, message.getTimestamp(),
                ReadModels.text(md, MetadataKeys.USER), ReadModels.text(md, MetadataKeys.USER_NAME),
                ReadModels.text(md, MetadataKeys.ORGANISATION),
                ReadModels.text(md, MetadataKeys.ROLES), ReadModels.text(md, MetadataKeys.CLIENT),
                ReadModels.text(md, MetadataKeys.PURPOSE_OF_USE), ReadModels.text(md, MetadataKeys.CORRELATION_ID),
                ReadModels.text(md, MetadataKeys.CAUSATION_ID), details(event, idProperty));
    }

    /**
     * The event as JSON without its aggregate id and status (the row's own columns), written in one pass: through a
     * tree and back took a quarter of a rebuild's projecting.
     */
    String details(Object event, String idProperty) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator generator = new FilteringGeneratorDelegate(json.createGenerator(out),
                new Without(idProperty), TokenFilter.Inclusion.INCLUDE_ALL_AND_PATH, true)) {
            json.writeValue(generator, event);
        }
        return out.toString();
    }

    /** Every property but two at the top level: the aggregate's id and the status. */
    private static final class Without extends TokenFilter {
        private final String idProperty;

        Without(String idProperty) {
            this.idProperty = idProperty;
        }

        @Override
        public TokenFilter includeProperty(String name) {
            return name.equals(idProperty) || name.equals("status") ? null : TokenFilter.INCLUDE_ALL;
        }

        @Override
        public boolean includeEmptyObject(boolean contentsFiltered) {
            // An event with nothing else to say is still an object: {}.
            return true;
        }
    }

    /**
     * Replaces the patient and the clinical text in the details of every entry about this patient with the erased
     * placeholders (only the pseudonymous id stays), as the entries read when rebuilt from the log after the
     * erasure; answers how many entries changed.
     */
    public int erasePatient(Journal<Entry> journal, String patientId) {
        Patient erased = Patient.erased(patientId);
        return journal.rewrite("details->'patient'->>'patientId' = ? OR details->>'patientId' = ?",
                List.of(patientId, patientId), entry -> {
                    ObjectNode details = (ObjectNode) json.readTree(entry.details());
                    boolean changed = clinicalTexts.erase(entry.eventType(), details);
                    if (details.has("patient") && !Patient.ERASED_SYSTEM.equals(
                            details.path("patient").path("identifierSystem").asString(null))) {
                        // Written as any entry's patient is, so that a journal rebuilt from the log is the same.
                        details.set("patient", json.valueToTree(erased));
                        changed = true;
                    }
                    return changed ? entry.withDetails(json.writeValueAsString(details)) : null;
                });
    }
}

package dev.careloop.query;

import dev.careloop.api.MetadataKeys;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.messaging.MetaData;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

import java.sql.Timestamp;

/**
 * Writes one event into a per-aggregate journal table (referral_timeline, appointment_history): what happened,
 * who did it, for which organisation, in which role and request, for what purpose, and when. The tables share
 * their columns; only the name of the aggregate's id column differs. Redelivery changes nothing.
 */
@Component
public class EventJournal {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    EventJournal(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A journal table; its names are constants of the projection that owns it, never user input. */
    public record Table(String name, String idColumn, String idProperty) {
    }

    public void record(Table table, String aggregateId, String statusCode, Object event,
                       DomainEventMessage<?> message) {
        MetaData md = message.getMetaData();
        ObjectNode details = json.valueToTree(event);
        details.remove(table.idProperty());
        details.remove("status");
        jdbc.update("INSERT INTO " + table.name() + " (event_id, " + table.idColumn() + """
                        , sequence_number, event_type, status,
                            occurred_at, actor_user, actor_org, actor_roles, client, purpose_of_use, correlation_id,
                            causation_id, details)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
                        ON CONFLICT DO NOTHING""",
                message.getIdentifier(), aggregateId, message.getSequenceNumber(),
                event.getClass().getSimpleName(), statusCode, Timestamp.from(message.getTimestamp()),
                ReadModels.text(md, MetadataKeys.USER), ReadModels.text(md, MetadataKeys.ORGANISATION),
                ReadModels.text(md, MetadataKeys.ROLES), ReadModels.text(md, MetadataKeys.CLIENT),
                ReadModels.text(md, MetadataKeys.PURPOSE_OF_USE), ReadModels.text(md, MetadataKeys.CORRELATION_ID),
                ReadModels.text(md, MetadataKeys.CAUSATION_ID), json.writeValueAsString(details));
    }

}

package dev.careloop.query.appointment;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.appointment.AppointmentEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.MetaData;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

import java.sql.Timestamp;

/**
 * The appointment_history table: every event of an appointment with who did it, for which organisation, in
 * which role and request, for what purpose, and when. Same processing group as the view, so both move in one
 * transaction with the token.
 */
@Component
@ProcessingGroup(AppointmentViewProjection.GROUP)
class AppointmentHistoryProjection {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    AppointmentHistoryProjection(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @EventHandler
    void on(AppointmentEvent e, DomainEventMessage<?> message) {
        MetaData md = message.getMetaData();
        ObjectNode details = json.valueToTree(e);
        details.remove("appointmentId");
        details.remove("status");
        jdbc.update("""
                INSERT INTO appointment_history (event_id, appointment_id, sequence_number, event_type, status,
                    occurred_at, actor_user, actor_org, actor_roles, client, purpose_of_use, correlation_id,
                    causation_id, details)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
                ON CONFLICT DO NOTHING""",
                message.getIdentifier(), e.appointmentId(), message.getSequenceNumber(),
                e.getClass().getSimpleName(), e.status().code(), Timestamp.from(message.getTimestamp()),
                text(md, MetadataKeys.USER), text(md, MetadataKeys.ORGANISATION), text(md, MetadataKeys.ROLES),
                text(md, MetadataKeys.CLIENT), text(md, MetadataKeys.PURPOSE_OF_USE),
                text(md, MetadataKeys.CORRELATION_ID), text(md, MetadataKeys.CAUSATION_ID),
                json.writeValueAsString(details));
    }

    @ResetHandler
    void reset() {
        jdbc.update("DELETE FROM appointment_history");
    }

    private static String text(MetaData md, String key) {
        Object value = md.get(key);
        return value == null ? null : value.toString();
    }
}

package dev.careloop.query.referral;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.referral.ReferralEvent;
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
 * The referral_timeline table: every event of a referral with who did it, for which organisation, in
 * which role and request, for what purpose, and when. Same processing group as the view, so both move
 * in one transaction with the token.
 */
@Component
@ProcessingGroup(ReferralViewProjection.GROUP)
class ReferralTimelineProjection {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    ReferralTimelineProjection(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @EventHandler
    void on(ReferralEvent e, DomainEventMessage<?> message) {
        MetaData md = message.getMetaData();
        ObjectNode details = json.valueToTree(e);
        details.remove("referralId");
        details.remove("status");
        jdbc.update("""
                INSERT INTO referral_timeline (event_id, referral_id, sequence_number, event_type, status,
                    occurred_at, actor_user, actor_org, actor_roles, client, purpose_of_use, correlation_id,
                    causation_id, details)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
                ON CONFLICT DO NOTHING""",
                message.getIdentifier(), e.referralId(), message.getSequenceNumber(),
                e.getClass().getSimpleName(), e.status().code(), Timestamp.from(message.getTimestamp()),
                text(md, MetadataKeys.USER), text(md, MetadataKeys.ORGANISATION), text(md, MetadataKeys.ROLES),
                text(md, MetadataKeys.CLIENT), text(md, MetadataKeys.PURPOSE_OF_USE),
                text(md, MetadataKeys.CORRELATION_ID), text(md, MetadataKeys.CAUSATION_ID),
                json.writeValueAsString(details));
    }

    @ResetHandler
    void reset() {
        jdbc.update("DELETE FROM referral_timeline");
    }

    private static String text(MetaData md, String key) {
        Object value = md.get(key);
        return value == null ? null : value.toString();
    }
}

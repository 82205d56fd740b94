package dev.careloop.query.audit;

import dev.careloop.api.Actor;
import dev.careloop.api.MetadataKeys;
import dev.careloop.api.audit.AuditTrailRead;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.gateway.EventGateway;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Records every read of the audit API as an {@link AuditTrailRead} event, published on its own to the event store
 * before the answer is sent: a read that cannot be recorded fails rather than goes unrecorded.
 */
@Component
public class AuditTrail {

    private final EventGateway events;

    AuditTrail(EventGateway events) {
        this.events = events;
    }

    /** {@code query}: the parameters as the officer gave them; null values are left out. */
    public void read(ComplianceScope.Officer officer, String operation, Map<String, ?> query, long entriesReturned) {
        Map<String, String> given = new HashMap<>();
        query.forEach((k, v) -> {
            if (v != null) {
                given.put(k, v.toString());
            }
        });
        Actor actor = officer.actor();
        AuditTrailRead read = new AuditTrailRead(actor.userId(), actor.organisation(), officer.platformWide(),
                operation, given, entriesReturned, Instant.now());
        events.publish(GenericEventMessage.asEventMessage(read).andMetaData(metaData(actor)));
    }

    /** Who read, in which request: the same metadata every command's events carry. */
    private static Map<String, Object> metaData(Actor actor) {
        Map<String, Object> md = actor.metaData();
        String correlationId = MDC.get(MetadataKeys.CORRELATION_ID);
        if (correlationId != null) {
            md.put(MetadataKeys.CORRELATION_ID, correlationId);
        }
        return md;
    }
}

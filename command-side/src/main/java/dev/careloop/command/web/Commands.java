package dev.careloop.command.web;

import dev.careloop.api.Actor;
import dev.careloop.api.MetadataKeys;
import dev.careloop.command.messaging.ActorMetaData;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Sends a command on behalf of the caller of the REST API: the actor, the request id and the version the
 * caller last saw (If-Match) travel as metadata, so every event records them.
 */
@Component
public class Commands {

    private final CommandGateway gateway;
    private final CommandAdmission admission;

    Commands(CommandGateway gateway, CommandAdmission admission) {
        this.gateway = gateway;
        this.admission = admission;
    }

    /** Sends and waits; answers what the handler returned (aggregates return their new version). */
    public Object send(Object command, Actor actor, Long expectedVersion) {
        MetaData metaData = metaDataFor(actor);
        if (expectedVersion != null) {
            metaData = metaData.and(MetadataKeys.EXPECTED_VERSION, expectedVersion);
        }
        // The answer's read position is read in the command's own transaction (WriteResponses takes it).
        CommandMessage<Object> message = GenericCommandMessage.asCommandMessage(command).andMetaData(metaData);
        WritePosition.expect();
        try {
            return admission.run(() -> gateway.sendAndWait(message));
        } catch (RuntimeException e) {
            WritePosition.forget();
            throw e;
        }
    }

    /** Who acts and in which request: for anything sent on the caller's behalf, commands or events. */
    public static MetaData metaDataFor(Actor actor) {
        MetaData metaData = ActorMetaData.of(actor);
        String correlationId = MDC.get(MetadataKeys.CORRELATION_ID);
        return correlationId == null ? metaData : metaData.and(MetadataKeys.CORRELATION_ID, correlationId);
    }

    /** Sends and waits for a handler that answers the aggregate's new version. */
    public long sendForVersion(Object command, Actor actor, Long expectedVersion) {
        Object result = send(command, actor, expectedVersion);
        return result instanceof Number n ? n.longValue() : 1L;
    }
}

package dev.careloop.fhir.inbound;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import dev.careloop.api.Actor;
import dev.careloop.api.InputRules;
import dev.careloop.api.MetadataKeys;
import dev.careloop.fhir.facade.Outcomes;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.NoHandlerForCommandException;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * Sends what a partner asked for as the same commands the REST API sends, with the same metadata (who, for
 * which organisation, which client, which request, the If-Match version), so the command side applies the same
 * rules. Its refusals come back as FHIR errors: a rejected command has written nothing.
 */
@Component
public class InboundCommands {

    /** The command side's refusal (dev.careloop.command.rules.Refusal), which this module cannot import. */
    static final String REFUSAL = "dev.careloop.command.rules.Refusal";

    /** How the command side words a stale If-Match (Rules.requireVersion). */
    static final String STALE_IF_MATCH = "you sent If-Match version";

    private final CommandGateway gateway;

    public InboundCommands(CommandGateway gateway) {
        this.gateway = gateway;
    }

    /**
     * Sends {@code command} for {@code actor} and answers the aggregate's new version. A refusal is thrown as the
     * matching FHIR error; {@code expression} names the element of the request it is about.
     */
    public long send(Object command, Actor actor, Long expectedVersion, String expression) {
        try {
            Object result = gateway.sendAndWait(GenericCommandMessage.asCommandMessage(command)
                    .andMetaData(metaData(actor, expectedVersion)));
            return result instanceof Number n ? n.longValue() : 1L;
        } catch (RuntimeException e) {
            throw refused(e, expression);
        }
    }

    static MetaData metaData(Actor actor, Long expectedVersion) {
        Map<String, Object> values = actor.metaData();
        String correlationId = MDC.get(MetadataKeys.CORRELATION_ID);
        if (correlationId != null) {
            values.put(MetadataKeys.CORRELATION_ID, correlationId);
        }
        if (expectedVersion != null) {
            values.put(MetadataKeys.EXPECTED_VERSION, expectedVersion);
        }
        return MetaData.from(values);
    }

    /** The FHIR answer to a command that failed; anything unexpected stays what it was (500). */
    static RuntimeException refused(RuntimeException failure, String expression) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InputRules.InvalidInput invalid) {
                // The command bus's input rules: a value no read model or partner could carry (400, nothing written).
                return new InvalidRequestException(invalid.getMessage(), Outcomes.error(IssueType.INVALID,
                        invalid.getMessage(), expression));
            }
            if (isRefusal(t.getClass())) {
                return refusal(t, expression);
            }
            if (t instanceof AggregateNotFoundException) {
                return new ResourceNotFoundException("no such referral");
            }
            if (t instanceof ConcurrencyException || t instanceof AggregateStreamCreationException) {
                return new ResourceVersionConflictException("it was changed by another request at the same time; "
                        + "read it again and retry", Outcomes.error(IssueType.CONFLICT,
                        "it was changed by another request at the same time; read it again and retry", expression));
            }
            if (t instanceof NoHandlerForCommandException) {
                return BaseServerResponseException.newInstance(503,
                        "this CareLoop process does not run the command side; send writes to one that does");
            }
        }
        return failure;
    }

    private static boolean isRefusal(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(REFUSAL)) {
                return true;
            }
        }
        return false;
    }

    private static RuntimeException refusal(Throwable refusal, String expression) {
        String kind = String.valueOf(call(refusal, "kind"));
        Object field = call(refusal, "field");
        String reason = refusal.getMessage();
        return switch (kind) {
            case "NOT_FOUND" -> new ResourceNotFoundException(reason,
                    Outcomes.error(IssueType.NOTFOUND, reason, null));
            case "FORBIDDEN" -> new ForbiddenOperationException(reason,
                    Outcomes.error(IssueType.FORBIDDEN, reason, null));
            // A stale If-Match that raced past the facade's own check: FHIR answers that with 412.
            case "CONFLICT" -> reason != null && reason.contains(STALE_IF_MATCH)
                    ? new PreconditionFailedException(reason, Outcomes.error(IssueType.CONFLICT, reason, expression))
                    : new ResourceVersionConflictException(reason,
                    Outcomes.error(IssueType.BUSINESSRULE, reason, expression));
            case "INVALID" -> new UnprocessableEntityException(reason, Outcomes.error(IssueType.INVALID,
                    field == null ? reason : field + ": " + reason, expression));
            default -> new InternalErrorException(reason);
        };
    }

    private static Object call(Object target, String method) {
        try {
            return target.getClass().getMethod(method).invoke(target);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}

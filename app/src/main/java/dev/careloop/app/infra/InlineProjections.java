package dev.careloop.app.infra;

import dev.careloop.query.InlineProjection;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.ListenerInvocationErrorHandler;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.SubscribingEventProcessor;
import org.axonframework.messaging.SubscribableMessageSource;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.ResourceTransactionManager;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import javax.sql.DataSource;

/**
 * In a process that runs the command side and the query side, the {@link InlineProjection}s also run as subscribing
 * processors: Axon hands a unit of work's events to those in its prepare-commit phase, after they are appended and
 * inside the command's transaction, so the referral view and timeline commit with the events (issue 19: no commit of
 * their own, and the write's read-back finds its version at once). All their handlers of a unit of work run under one
 * savepoint ({@link InlineSavepoint}: taken by the first, never released), not one each ({@link HandlerSavepoints}
 * skips them); when one fails, the unit of work's inline writes are rolled back to it, the failure is logged, no other
 * inline handler runs in that unit of work, and its events are left to the groups' tracking processors, which apply
 * them or dead-letter them: the command never fails for its read model. Off with
 * {@code careloop.projections.inline=false}, or when either side runs elsewhere.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${careloop.sides:command,query,fhir,web}'.contains('command')"
        + " and '${careloop.sides:command,query,fhir,web}'.contains('query')"
        + " and '${careloop.projections.inline:true}' == 'true'")
class InlineProjections {

    private static final Logger log = LoggerFactory.getLogger(InlineProjections.class);

    /** The name of the subscribing processor that repeats a group's work inline. */
    static String processorName(String group) {
        return group + "-inline";
    }

    @Bean
    SmartLifecycle inlineProjectionProcessors(List<InlineProjection> projections, EventBus eventBus,
                                              org.axonframework.config.Configuration axon,
                                              TransactionManager transactions,
                                              PlatformTransactionManager platformTransactions) {
        if (!(platformTransactions instanceof ResourceTransactionManager resources)
                || !(resources.getResourceFactory() instanceof DataSource connections)) {
            throw new IllegalStateException("Inline projections need a JDBC transaction manager for their savepoint, "
                    + "not " + platformTransactions.getClass().getName());
        }
        List<SubscribingEventProcessor> processors = projections.stream().map(projection -> {
            List<EventMessageHandler> handlers = projection.handlers().stream()
                    .map(handler -> InlineSavepoint.around(new AnnotationEventHandlerAdapter(handler,
                            axon.parameterResolverFactory(), axon.handlerDefinition(handler.getClass())), connections))
                    .toList();
            return SubscribingEventProcessor.builder()
                    .name(processorName(projection.group()))
                    .eventHandlerInvoker(SimpleEventHandlerInvoker.builder()
                            .eventHandlers(handlers)
                            .listenerInvocationErrorHandler(new LeftToTheTrackingProcessor(projection.group()))
                            .build())
                    .messageSource(asStored(eventBus, axon.eventSerializer()))
                    // Joins the command's transaction; an event published outside any gets one of its own.
                    .transactionManager(transactions)
                    .build();
        }).toList();
        // Subscribed long before the web server starts, unsubscribed long after it stops: no request's events pass
        // by unprojected.
        return new PhasedLifecycle(() -> processors.forEach(SubscribingEventProcessor::start),
                () -> processors.forEach(SubscribingEventProcessor::shutDown), 0);
    }

    /**
     * The events as the log stores them, so that what is written inline is what the tracking processor and a rebuild
     * write from the log: the storage engine keeps a timestamp to the millisecond (Axon's {@link DateTimeUtils}), the
     * unit of work's messages carry the clock's microseconds; and the payload is what the log gives back, through the
     * events' serializer: after an erasure a new event's sealed fields (its free text) are stored unreadable, while the
     * command's own copy still holds them in clear, and that copy must not reach a read model.
     */
    static SubscribableMessageSource<EventMessage<?>> asStored(EventBus eventBus, Serializer serializer) {
        return consumer -> eventBus.subscribe(events -> consumer.accept(
                events.stream().<EventMessage<?>>map(event -> asStored(event, serializer)).toList()));
    }

    private static EventMessage<?> asStored(EventMessage<?> event, Serializer serializer) {
        // What DateTimeUtils.formatInstant keeps (three digits of the second's fraction, cut, not rounded).
        Instant stored = event.getTimestamp().truncatedTo(ChronoUnit.MILLIS);
        // The message keeps the form the storage engine serialized it to (bytea) a moment before, in the same
        // prepare-commit: taken from there, not made again, it is the stored form exactly.
        Object payload = serializer.deserialize(event.serializePayload(serializer, byte[].class));
        if (event instanceof DomainEventMessage<?> domain) {
            return new GenericDomainEventMessage<>(domain.getType(), domain.getAggregateIdentifier(),
                    domain.getSequenceNumber(), payload, domain.getMetaData(), domain.getIdentifier(), stored);
        }
        return new GenericEventMessage<>(event.getIdentifier(), payload, event.getMetaData(), stored);
    }

    /**
     * A failed inline handler: the unit of work's savepoint is already rolled back (every inline write of it undone,
     * no inline handler runs again in it), the command goes on and commits its events, and the tracking processors
     * meet them like any others (their handlers find nothing of them done). A savepoint that could not be rolled back
     * to fails the command: its transaction is not to be committed.
     */
    private record LeftToTheTrackingProcessor(String group) implements ListenerInvocationErrorHandler {
        @Override
        public void onError(Exception exception, EventMessage<?> event, EventMessageHandler handler) {
            if (exception instanceof InlineSavepoint.NotRolledBack notRolledBack) {
                throw notRolledBack;
            }
            log.warn("The {} projection could not apply {} {} in its command's transaction; the tracking processors "
                            + "apply it and the rest of the command's events (or dead-letter them): {}", group,
                    event.getPayloadType().getSimpleName(), event.getIdentifier(),
                    NestedExceptionUtils.getMostSpecificCause(exception).toString());
        }
    }
}

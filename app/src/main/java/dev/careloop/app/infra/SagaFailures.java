package dev.careloop.app.infra;

import org.axonframework.eventhandling.ErrorContext;
import org.axonframework.eventhandling.ErrorHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What a saga processor does with an event its sagas fail on (issue 13: retried or dead-lettered, never skipped).
 * The processor's batch is rolled back (saga state and the commands it sent with it) and Axon's tracking processor
 * tries it again with its own backoff (1 s, 2 s, 4 s...), {@code attempts} times in all; then the event becomes a
 * dead letter ({@link SagaDeadLetters}) and the processor goes on with the next. Until a letter is retried or
 * evicted, later events of the same saga associations are parked behind it ({@link #parking(String)}). A letter
 * that cannot be recorded propagates the failure: the processor keeps retrying rather than skip the event.
 * <p>
 * Other processors keep Axon's propagating error handler (their failures are dead-lettered by Axon's own queue).
 * A saga processor's batch size stays 1 (application.yml), so a failure is one event's.
 */
final class SagaFailures implements ErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(SagaFailures.class);

    private final Supplier<SagaDeadLetters> deadLetters;
    private final int attempts;
    /** Failed tries per event (by id) on this node; forgotten when the event is handled or dead-lettered. */
    private final Map<String, Integer> tries = new ConcurrentHashMap<>();

    SagaFailures(Supplier<SagaDeadLetters> deadLetters, int attempts) {
        this.deadLetters = deadLetters;
        this.attempts = Math.max(1, attempts);
    }

    @Override
    public void handleError(ErrorContext context) throws Exception {
        String group = context.eventProcessor();
        if (context.failedEvents().isEmpty() || !deadLetters.get().isSagaGroup(group)) {
            PropagatingErrorHandler.instance().handleError(context);
            return;
        }
        String batch = context.failedEvents().get(0).getIdentifier();
        int tried = tries.merge(batch, 1, Integer::sum);
        String cause = SagaDeadLetters.oneLine(context.error());
        if (tried < attempts) {
            log.warn("Saga processor {}: event {} failed (try {} of {}), tried again after a pause: {}", group, batch,
                    tried, attempts, cause);
            PropagatingErrorHandler.instance().handleError(context);
            return;
        }
        for (EventMessage<?> event : context.failedEvents()) {
            deadLetters.get().deadLetter(group, event, context.error());
            log.warn("Saga processor {}: event {} ({}) dead-lettered after {} tries: {}", group,
                    event.getIdentifier(), event.getPayloadType().getSimpleName(), tried, cause);
        }
        tries.remove(batch);
    }

    /** The interceptor of processor {@code name}: parks an event behind its waiting sequence, if it has one. */
    MessageHandlerInterceptor<EventMessage<?>> parking(String name) {
        return new Parking(name);
    }

    private final class Parking implements MessageHandlerInterceptor<EventMessage<?>> {
        private final String group;

        Parking(String group) {
            this.group = group;
        }

        @Override
        public Object handle(UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain chain)
                throws Exception {
            SagaDeadLetters letters = deadLetters.get();
            if (!letters.isSagaGroup(group)) {
                return chain.proceed();
            }
            EventMessage<?> event = unitOfWork.getMessage();
            if (letters.parkIfWaiting(group, event)) {
                return null;
            }
            Object result = chain.proceed();
            unitOfWork.afterCommit(u -> tries.remove(event.getIdentifier()));
            return result;
        }
    }
}

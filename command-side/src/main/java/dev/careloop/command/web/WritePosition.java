package dev.careloop.command.web;

import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The log position a REST write answers as {@code CareLoop-Position} (read-your-writes across nodes), read in the
 * write's own transaction: once the unit of work has appended its events, and before it commits, the newest event of
 * the aggregates it wrote. Asked after the commit instead, it took a connection of its own for one query. Only the
 * command {@link Commands} sends on the request's thread asks for it; commands of the process manager or of nested
 * handlers do not.
 */
@Component
class WritePosition implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(WritePosition.class);
    private static final String WRITTEN = WritePosition.class.getName() + ".aggregates";

    /** Set by {@link #expect()} for the command about to be sent on this thread; then what it wrote, if read. */
    private static final ThreadLocal<Written[]> POSITION = new ThreadLocal<>();

    /** One SQL text per number of aggregates written (one or two, nearly always). */
    private static final Map<Integer, String> BY_KEY = new ConcurrentHashMap<>();

    /** The aggregates a write appended to, and the newest event of them. */
    record Written(Set<String> aggregates, long position) {
    }

    private final CommandBus commandBus;
    private final EventBus eventBus;
    private final JdbcTemplate jdbc;

    WritePosition(CommandBus commandBus, EventBus eventBus, JdbcTemplate jdbc) {
        this.commandBus = commandBus;
        this.eventBus = eventBus;
        this.jdbc = jdbc;
    }

    @Override
    public void afterPropertiesSet() {
        eventBus.registerDispatchInterceptor(new WrittenAggregates());
        commandBus.registerHandlerInterceptor(new PositionBeforeCommit());
    }

    /** The next command sent on this thread is to read its position. */
    static void expect() {
        POSITION.set(new Written[1]);
    }

    /** The position of the command sent since {@link #expect()}, if it wrote {@code aggregate}; forgets it. */
    static Optional<Long> take(String aggregate) {
        Written[] written = POSITION.get();
        POSITION.remove();
        return written == null || written[0] == null || !written[0].aggregates().contains(aggregate)
                ? Optional.empty() : Optional.of(written[0].position());
    }

    /** Forgets what {@link #expect()} asked for (the command failed: there is no position to answer). */
    static void forget() {
        POSITION.remove();
    }

    /** Notes the aggregates each unit of work appends to, and the newest sequence number of each. */
    private static final class WrittenAggregates implements MessageDispatchInterceptor<EventMessage<?>> {
        @Override
        public BiFunction<Integer, EventMessage<?>, EventMessage<?>> handle(List<? extends EventMessage<?>> messages) {
            return (index, message) -> {
                if (message instanceof DomainEventMessage<?> event && CurrentUnitOfWork.isStarted()) {
                    CurrentUnitOfWork.get().root().<Map<String, Long>>getOrComputeResource(WRITTEN,
                            key -> new LinkedHashMap<>()).merge(event.getAggregateIdentifier(),
                            event.getSequenceNumber(), Math::max);
                }
                return message;
            };
        }
    }

    /**
     * Registered once the handler has run, so after the event bus's own: when the unit of work prepares its commit,
     * the events are appended and this reads their position in the same transaction.
     */
    private final class PositionBeforeCommit implements MessageHandlerInterceptor<CommandMessage<?>> {
        @Override
        public Object handle(UnitOfWork<? extends CommandMessage<?>> unitOfWork,
                             InterceptorChain interceptorChain) throws Exception {
            Written[] wanted = POSITION.get();
            Object result = interceptorChain.proceed();
            if (wanted != null && unitOfWork.isRoot()) {
                unitOfWork.onPrepareCommit(u -> wanted[0] = positionOf(u.root().getResource(WRITTEN)));
            }
            return result;
        }
    }

    /**
     * The global index of the newest event appended, each aggregate's newest event found by its key (the unique
     * index on aggregate and sequence number): a plan PostgreSQL keeps, where {@code max(global_index)} over an
     * aggregate's events was planned on nearly every call.
     */
    private Written positionOf(Map<String, Long> newest) {
        if (newest == null || newest.isEmpty()) {
            return null;
        }
        try {
            List<Object> keys = new ArrayList<>();
            newest.forEach((aggregate, sequence) -> {
                keys.add(aggregate);
                keys.add(sequence);
            });
            Long position = jdbc.queryForObject(BY_KEY.computeIfAbsent(newest.size(), WritePosition::byKey),
                    Long.class, keys.toArray());
            return position == null ? null : new Written(Set.copyOf(newest.keySet()), position);
        } catch (RuntimeException e) {
            // The answer goes without the header; the write itself goes on (and fails on its own if it must).
            log.warn("The position of a write could not be read: {}", e.toString());
            return null;
        }
    }

    private static String byKey(int aggregates) {
        return "SELECT max(global_index) FROM domain_event_entry WHERE (aggregate_identifier, sequence_number) IN ("
                + String.join(", ", Collections.nCopies(aggregates, "(?, ?)")) + ")";
    }
}

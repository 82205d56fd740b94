package dev.careloop.query.rebuild;

import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.MultiEventHandlerInvoker;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.async.SequencingPolicy;
import org.axonframework.eventhandling.async.SequentialPolicy;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The rebuild's own pooled streaming processor (token {@value RebuildWiring#PROCESSOR} in token_entry): fresh
 * instances of the groups' handlers writing into the shadow tables ({@link ShadowTransactions}), from a start token
 * (the fold's head) or from the tail, in which case the bulk-folded groups skip what the fold handled. It reports
 * how far every segment got and fails loudly: a handler that throws fails the rebuild.
 */
final class ReplayProcessor {

    private final PooledStreamingEventProcessor processor;
    private final int segments;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /**
     * @param start  where every segment starts, or null for the tail
     * @param folded what the bulk fold handled (null when nothing was folded)
     */
    ReplayProcessor(Rebuild rebuild, RebuildWiring wiring, FreshHandlers handlers, FencedEventSource source,
                    ScheduledExecutorService coordinator, ScheduledExecutorService workers, TrackingToken start,
                    LogFold.Result folded) {
        this.segments = rebuild.segments;
        List<EventHandlerInvoker> invokers = new ArrayList<>();
        for (String group : rebuild.groups) {
            EventHandlerInvoker invoker = SimpleEventHandlerInvoker.builder()
                    .eventHandlers(wiring.adapters(handlers.of(group), wiring.axon()::handlerDefinition))
                    .sequencingPolicy(replayOrder(wiring, group))
                    // A handler that fails fails the rebuild, rather than leaving a hole in the rebuilt tables.
                    .listenerInvocationErrorHandler(PropagatingErrorHandler.instance())
                    .build();
            invokers.add(folded != null && start == null && wiring.bulk().contains(group)
                    ? new AfterFold(invoker, folded, wiring.jdbc()) : invoker);
        }
        // No handler interceptors of the live processors: those are the processors' own (a tracking processor's
        // segment bookkeeping, for one); the projections need none.
        this.processor = PooledStreamingEventProcessor.builder()
                .name(RebuildWiring.PROCESSOR)
                .eventHandlerInvoker(invokers.size() == 1 ? invokers.get(0) : new MultiEventHandlerInvoker(invokers))
                .messageSource(source)
                .tokenStore(wiring.tokenStore())
                .transactionManager(new ShadowTransactions(wiring.transactionManager(), wiring.jdbc()))
                .coordinatorExecutor(coordinator)
                .workerExecutor(workers)
                .initialSegmentCount(rebuild.segments)
                .initialToken(s -> start != null ? start : s.createTailToken())
                .batchSize(rebuild.batchSize)
                .tokenClaimInterval(500)
                .errorHandler(context -> {
                    // Remembered for the run to fail on: the work package that failed is gone from the status.
                    failure.compareAndSet(null, context.error());
                    PropagatingErrorHandler.instance().handleError(context);
                })
                .build();
    }

    void start() {
        processor.start();
    }

    void shutDown() {
        processor.shutDown();
    }

    /**
     * The order the live processor of the group handles events in: per sequence of its policy when it runs several
     * segments; the log's own order when it runs one (the audit trail, whose entries take what they know from
     * earlier events of other aggregates, relies on that), whatever its policy says.
     */
    private static SequencingPolicy<? super EventMessage<?>> replayOrder(RebuildWiring wiring, String group) {
        if (wiring.tokenStore().fetchSegments(group).length == 1) {
            return new SequentialPolicy();
        }
        return wiring.processing().sequencingPolicy(group);
    }

    /** The lowest position every segment has processed, failing the rebuild if one is in error. */
    long lowest() {
        Throwable failed = failure.get();
        if (failed != null) {
            throw new RebuildFailure("a handler failed: " + failed);
        }
        Map<Integer, EventTrackerStatus> status = processor.processingStatus();
        for (EventTrackerStatus s : status.values()) {
            if (s.isErrorState()) {
                throw new RebuildFailure("a handler failed at global index "
                        + s.getCurrentPosition().orElse(-1) + ": " + s.getError());
            }
        }
        if (status.size() < segments) {
            return Long.MIN_VALUE;
        }
        return status.values().stream().mapToLong(s -> s.getCurrentPosition().orElse(Long.MIN_VALUE)).min()
                .orElse(Long.MIN_VALUE);
    }

    /** The token every segment has reached (the same event for all, as the log is fenced). */
    TrackingToken token() {
        TrackingToken lowest = null;
        for (EventTrackerStatus s : processor.processingStatus().values()) {
            TrackingToken t = s.getTrackingToken();
            lowest = lowest == null ? t : lowest.lowerBound(t);
        }
        if (lowest == null) {
            throw new RebuildFailure("the rebuild has no position to hand to the live processors");
        }
        return lowest;
    }

    /**
     * A bulk-rebuilt group's handlers in a processor replaying from the tail: what the fold handled is skipped, judged
     * by the event's own position. The token's position is the highest reached, so it is the event's own except for
     * an event that filled a gap; only a token at or past the fold's lowest gap (and not past its head) may be one of
     * those, and only then is the event's position read from the log.
     */
    private static final class AfterFold implements EventHandlerInvoker {
        private final EventHandlerInvoker delegate;
        private final LogFold.Result folded;
        private final JdbcTemplate jdbc;

        AfterFold(EventHandlerInvoker delegate, LogFold.Result folded, JdbcTemplate jdbc) {
            this.delegate = delegate;
            this.folded = folded;
            this.jdbc = jdbc;
        }

        private boolean folded(EventMessage<?> event) {
            if (!(event instanceof TrackedEventMessage<?> tracked)) {
                return false;
            }
            long reached = tracked.trackingToken().position().orElse(Long.MAX_VALUE);
            if (reached > folded.head()) {
                // Past the fold's head: a new event, or a late one filling a gap the fold left open.
                return false;
            }
            if (folded.gaps().isEmpty() || reached < folded.gaps().first()) {
                return true;
            }
            List<Long> own = jdbc.queryForList("SELECT global_index FROM domain_event_entry WHERE event_identifier = ?",
                    Long.class, event.getIdentifier());
            long position = own.isEmpty() ? reached : own.get(0);
            return !folded.gaps().contains(position);
        }

        @Override
        public boolean canHandle(EventMessage<?> eventMessage, Segment segment) {
            return !folded(eventMessage) && delegate.canHandle(eventMessage, segment);
        }

        @Override
        public boolean canHandleType(Class<?> payloadType) {
            return delegate.canHandleType(payloadType);
        }

        @Override
        public void handle(EventMessage<?> message, Segment segment) throws Exception {
            if (!folded(message)) {
                delegate.handle(message, segment);
            }
        }
    }
}

package dev.careloop.app.replay;

import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import dev.careloop.query.replay.Stores;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.messaging.annotation.ClasspathHandlerDefinition;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.springframework.jdbc.core.JdbcTemplate;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.MultiEventHandlerInvoker;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.async.SequencingPolicy;
import org.axonframework.eventhandling.async.SequentialPolicy;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * One rebuild, start to end. Shadow tables are created. Groups that write only through Stores are folded in bulk
 * first ({@link LogFold}, {@link BulkStores}): one snapshot of the log through fresh instances of their handlers,
 * rows held in memory and loaded with COPY, indexes made after. A pooled streaming processor of its own (token
 * {@value #PROCESSOR} in token_entry) then carries on through fresh instances of the groups' handlers into the
 * shadow tables: from the snapshot's head when every group was folded, else from the tail, the folded groups
 * skipping what the fold handled. The live processors go on as ever; once it is close to the head, the switch:
 * <ol>
 * <li>the live processors of the groups stop (reads go on from the live tables, a few moments stale);</li>
 * <li>the log is fenced at its head, and the rebuild runs every segment up to that event and stops;</li>
 * <li>one transaction moves the live tables to the retired schema and the rebuilt ones to public, sets every
 * segment of each live processor to the rebuild's token, and drops the groups' dead letters (the rebuild handled
 * those events without failing, so the rebuilt tables already hold what they were waiting to apply);</li>
 * <li>the live processors start again, from the rebuild's token, on the rebuilt tables; the retired tables go.</li>
 * </ol>
 * Nothing else runs: no saga, no partner delivery, so a rebuild sends nothing anywhere. Any failure (a handler that
 * throws, a timeout) leaves the live tables and tokens as they were and drops the shadow tables.
 */
final class RebuildRun implements Runnable {

    static final String PROCESSOR = "careloop-rebuild";

    private static final Logger log = LoggerFactory.getLogger(RebuildRun.class);
    private static final long POLL_MILLIS = 200;
    /** How long the rebuild's own reading of the log waits before it looks again at a head it has reached. */
    private static final long REPLAY_FETCH_MILLIS = 100;
    private static final long KEY_REFRESH_NANOS = 20_000_000_000L;
    /** Connections taking the bulk load's COPYs side by side, each with a thread that writes their text. */
    private static final int LOADERS = 2;

    private final Rebuild rebuild;
    private final ReadModelRebuilds.Wiring wiring;
    private final Handlers handlers;
    private final ShadowTables shadow;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** Fresh instances of a group's handlers: on the given stores, or (null) on the live ones. */
    @FunctionalInterface
    interface Handlers {
        List<Object> of(String group, Stores stores);
    }

    RebuildRun(Rebuild rebuild, ReadModelRebuilds.Wiring wiring, Handlers handlers) {
        this.rebuild = rebuild;
        this.wiring = wiring;
        this.handlers = handlers;
        this.shadow = new ShadowTables(wiring.jdbc());
    }

    @Override
    public void run() {
        ScheduledExecutorService coordinator =
                Executors.newSingleThreadScheduledExecutor(RebuildThreads.named("rebuild-coordinator"));
        ScheduledExecutorService workers =
                Executors.newScheduledThreadPool(rebuild.segments, RebuildThreads.named("rebuild-worker"));
        PooledStreamingEventProcessor processor = null;
        // The rebuild reads the log through an event store of its own: joining the application's, whose cache every
        // live processor tails, while the application runs is what lost the live audit trail events when partner
        // processors did it (see PartnerProcessors).
        EmbeddedEventStore replaySource = EmbeddedEventStore.builder().storageEngine(wiring.storageEngine())
                .optimizeEventConsumption(false).fetchDelay(REPLAY_FETCH_MILLIS).timeUnit(TimeUnit.MILLISECONDS)
                .build();
        try {
            List<String> bulk = rebuild.groups.stream().filter(wiring.bulk()::contains).toList();
            wiring.transactionManager().executeInTransaction(() -> {
                String refusal = shadow.refusal(rebuild.tables);
                if (refusal != null) {
                    throw new RebuildFailure(refusal);
                }
                if (bulk.isEmpty()) {
                    shadow.create(rebuild.tables);
                } else {
                    shadow.createForLoad(rebuild.tables);
                }
                forgetToken();
            });
            FencedEventSource source = new FencedEventSource(replaySource);
            rebuild.started(position(wiring.eventStore().createTailToken()), head());
            log.info("Rebuild {}: replaying the log up to global index {} into schema {}", rebuild.id,
                    rebuild.view().headPosition(), ShadowTables.SHADOW);
            LogFold.Result folded = null;
            // With groups the fold does not cover, the processor that replays those from the tail tells the progress.
            boolean onlyBulk = bulk.size() == rebuild.groups.size();
            if (!bulk.isEmpty()) {
                folded = foldInBulk(bulk, onlyBulk);
                long indexing = System.nanoTime();
                shadow.completeAfterLoad(rebuild.tables, workers);
                log.info("Rebuild {}: keys and indexes made in {} ms", rebuild.id,
                        (System.nanoTime() - indexing) / 1_000_000);
                if (onlyBulk) {
                    rebuild.progressed(folded.head(), head());
                }
                log.info("Rebuild {}: {} folded in bulk up to global index {} ({} events)", rebuild.id, bulk,
                        folded.head(), folded.events());
            }
            // Only bulk groups: the processor follows on from the fold. Otherwise it replays from the tail for the
            // others, and the bulk groups skip what the fold already handled.
            processor = processor(source, coordinator, workers,
                    onlyBulk ? folded.token() : null, folded);
            processor.start();
            while (rebuild.state() != Rebuild.State.CATCHING_UP || head() - rebuild.position() > wiring.settings().switchLag()) {
                Thread.sleep(POLL_MILLIS);
                rebuild.progressed(lowest(processor), head());
            }
            switchOver(processor, source);
            processor = null;
            log.info("Rebuild {} of {} switched: {}", rebuild.id, rebuild.groups, rebuild.view());
        } catch (InterruptedException e) {
            rebuild.failed("the application stopped during the rebuild");
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("Rebuild {} of {} failed", rebuild.id, rebuild.groups, e);
            rebuild.failed(e instanceof RebuildFailure ? e.getMessage() : String.valueOf(e));
        } finally {
            if (processor != null) {
                processor.shutDown();
            }
            replaySource.shutDown();
            coordinator.shutdownNow();
            workers.shutdownNow();
            if (rebuild.state() == Rebuild.State.FAILED) {
                cleanUp();
            }
        }
    }

    /**
     * The bulk part: fresh handlers of the groups on in-memory stores fold the whole log, and the rows are loaded
     * into the shadow tables by {@value #LOADERS} loaders. Progress stops short of the target until the rows are in.
     */
    private LogFold.Result foldInBulk(List<String> groups, boolean reportProgress) throws Exception {
        DataSource dataSource = wiring.jdbc().getDataSource();
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i <= LOADERS; i++) {
                connections.add(dataSource.getConnection());
                toShadow(connections.get(i));
            }
            BulkStores stores = new BulkStores(connections.get(0), connections.subList(1, connections.size()));
            try {
                List<EventMessageHandler> adapters = new ArrayList<>();
                for (String group : groups) {
                    // Axon's own handler enhancers, without the Spring-configured time limit: that schedules a
                    // watchdog task around every handler call, a cost per event the one-thread fold need not pay.
                    adapters.addAll(adapters(handlers.of(group, stores), ClasspathHandlerDefinition::forClass));
                }
                LogFold fold = new LogFold(dataSource, wiring.axon().eventSerializer(), wiring.axon().upcasterChain(),
                        rebuild.segments);
                long target = rebuild.view().headPosition();
                // Patients' keys in one query rather than a round trip per patient, renewed before they expire.
                long start = System.nanoTime();
                long[] keysAt = {start};
                wiring.patientKeys().prefetch();
                LogFold.Result result = fold.fold(adapters, position -> {
                    if (reportProgress) {
                        rebuild.progressed(Math.min(position, target - 1), head());
                    }
                    if (System.nanoTime() - keysAt[0] > KEY_REFRESH_NANOS) {
                        wiring.patientKeys().prefetch();
                        keysAt[0] = System.nanoTime();
                    }
                });
                long folded = System.nanoTime();
                long rows = stores.finish();
                log.info("Rebuild {}: folded {} events in {} ms, then loaded {} rows in {} ms", rebuild.id,
                        result.events(), (folded - start) / 1_000_000, rows, (System.nanoTime() - folded) / 1_000_000);
                return result;
            } finally {
                stores.close();
            }
        } finally {
            connections.forEach(connection -> backToPool(dataSource, connection));
        }
    }

    /** The connection back to the pool as it came; one that cannot be reset is broken, and is closed for good. */
    private static void backToPool(DataSource pool, Connection connection) {
        try (connection; Statement statement = connection.createStatement()) {
            statement.execute("RESET search_path; RESET synchronous_commit");
        } catch (SQLException e) {
            log.warn("A rebuild's connection could not be reset, so it is not reused", e);
            try {
                if (pool.isWrapperFor(HikariDataSource.class)) {
                    pool.unwrap(HikariDataSource.class).evictConnection(connection);
                }
            } catch (SQLException notAPool) {
                // Not pooled: closed for good already.
            }
        }
    }

    /** A connection of the bulk load, on the shadow tables first, committing without waiting for the disk. */
    private static void toShadow(Connection connection) throws SQLException {
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            // A crash loses nothing that matters: a failed rebuild drops the shadow schema.
            statement.execute("SET search_path TO " + ShadowTables.SHADOW + ", public; "
                    + "SET synchronous_commit TO off");
        }
    }

    /** Axon's annotated-handler adapters of the handlers, with the handler definition each class gets. */
    private List<EventMessageHandler> adapters(List<Object> handlerObjects,
                                               Function<Class<?>, HandlerDefinition> definition) {
        List<EventMessageHandler> adapters = new ArrayList<>();
        for (Object handler : handlerObjects) {
            adapters.add(new AnnotationEventHandlerAdapter(handler, wiring.axon().parameterResolverFactory(),
                    definition.apply(handler.getClass())));
        }
        return adapters;
    }

    private PooledStreamingEventProcessor processor(FencedEventSource source, ScheduledExecutorService coordinator,
                                                    ScheduledExecutorService workers, TrackingToken start,
                                                    LogFold.Result folded) {
        List<EventHandlerInvoker> invokers = new ArrayList<>();
        for (String group : rebuild.groups) {
            EventHandlerInvoker invoker = SimpleEventHandlerInvoker.builder()
                    .eventHandlers(adapters(handlers.of(group, null), wiring.axon()::handlerDefinition))
                    .sequencingPolicy(replayOrder(group))
                    // A handler that fails fails the rebuild, rather than leaving a hole in the rebuilt tables.
                    .listenerInvocationErrorHandler(PropagatingErrorHandler.instance())
                    .build();
            invokers.add(folded != null && start == null && wiring.bulk().contains(group)
                    ? new AfterFold(invoker, folded, wiring.jdbc()) : invoker);
        }
        PooledStreamingEventProcessor processor = PooledStreamingEventProcessor.builder()
                .name(PROCESSOR)
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
        // No handler interceptors of the live processors: those are the processors' own (a tracking processor's
        // segment bookkeeping, for one); the projections need none.
        return processor;
    }

    /**
     * The order the live processor of the group handles events in: per sequence of its policy when it runs several
     * segments; the log's own order when it runs one (the audit trail, whose entries take what they know from
     * earlier events of other aggregates, relies on that), whatever its policy says.
     */
    private SequencingPolicy<? super EventMessage<?>> replayOrder(String group) {
        if (wiring.tokenStore().fetchSegments(group).length == 1) {
            return new SequentialPolicy();
        }
        return wiring.processing().sequencingPolicy(group);
    }

    private void switchOver(PooledStreamingEventProcessor processor, FencedEventSource source)
            throws InterruptedException {
        rebuild.switching();
        List<StreamingEventProcessor> live = new ArrayList<>();
        for (String group : rebuild.groups) {
            wiring.processing().eventProcessorByProcessingGroup(group, StreamingEventProcessor.class)
                    .ifPresent(live::add);
        }
        try {
            // All at once: each waits for its threads to notice, which is most of the switch's pause.
            CompletableFuture.allOf(live.stream().map(StreamingEventProcessor::shutdownAsync)
                    .toArray(CompletableFuture[]::new)).join();
            long fence = head();
            source.fenceAt(fence);
            long deadline = System.nanoTime() + wiring.settings().switchTimeout().toNanos();
            while (lowest(processor) < fence) {
                if (System.nanoTime() > deadline) {
                    throw new RebuildFailure("the rebuild did not reach global index " + fence + " within "
                            + wiring.settings().switchTimeout() + " of stopping the live processors");
                }
                Thread.sleep(10);
            }
            rebuild.progressed(fence, fence);
            TrackingToken token = token(processor);
            processor.shutDown();
            wiring.transactionManager().executeInTransaction(() -> {
                shadow.swap(rebuild.tables);
                for (StreamingEventProcessor p : live) {
                    String name = p.getName();
                    int[] segments = wiring.tokenStore().fetchSegments(name);
                    if (segments.length == 0) {
                        wiring.tokenStore().initializeTokenSegments(name, 1, token);
                    }
                    for (int segment : segments) {
                        wiring.tokenStore().storeToken(token, name, segment);
                        wiring.tokenStore().releaseClaim(name, segment);
                    }
                }
                wiring.jdbc().update("DELETE FROM dead_letter_entry WHERE processing_group = ANY(?)",
                        (Object) rebuild.groups.toArray(String[]::new));
                forgetToken();
            });
            rebuild.switched();
        } finally {
            live.forEach(StreamingEventProcessor::start);
        }
        try {
            wiring.transactionManager().executeInTransaction(() -> shadow.dropRetired(rebuild.tables));
        } catch (RuntimeException e) {
            // The switch is done; tables left in the retired schema are only clutter until the next rebuild.
            log.warn("Rebuild {}: could not drop the retired tables", rebuild.id, e);
        }
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

    /** The lowest position every segment has processed, failing the rebuild if one is in error. */
    private long lowest(PooledStreamingEventProcessor processor) {
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
        if (status.size() < rebuild.segments) {
            return Long.MIN_VALUE;
        }
        return status.values().stream().mapToLong(s -> s.getCurrentPosition().orElse(Long.MIN_VALUE)).min()
                .orElse(Long.MIN_VALUE);
    }

    /** The token every segment has reached (the same event for all, as the log is fenced). */
    private TrackingToken token(PooledStreamingEventProcessor processor) {
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

    private long head() {
        return position(wiring.eventStore().createHeadToken());
    }

    private static long position(TrackingToken token) {
        return token == null ? 0 : token.position().orElse(0);
    }

    private void forgetToken() {
        wiring.jdbc().update("DELETE FROM token_entry WHERE processor_name = ?", PROCESSOR);
    }

    private void cleanUp() {
        try {
            wiring.transactionManager().executeInTransaction(() -> {
                shadow.dropShadow();
                forgetToken();
            });
        } catch (RuntimeException e) {
            log.warn("Rebuild {}: could not drop the shadow tables", rebuild.id, e);
        }
    }

    /** A reason to stop a rebuild, in words for the administrator. */
    static final class RebuildFailure extends RuntimeException {
        RebuildFailure(String message) {
            super(message);
        }
    }
}

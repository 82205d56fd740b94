package dev.careloop.query.rebuild;

import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One rebuild, start to end. Shadow tables are created ({@link ShadowTables}). Groups that write only through Stores
 * are folded in bulk first ({@link BulkFold}): one snapshot of the log through fresh instances of their handlers,
 * rows held in memory and loaded with COPY, indexes made after. The rebuild's own processor ({@link ReplayProcessor})
 * then carries on into the shadow tables: from the snapshot's head when every group was folded, else from the tail,
 * the folded groups skipping what the fold handled. The live processors go on as ever; once it is close to the head,
 * the switch ({@link Switchover}).
 *
 * <p>Nothing else runs: no saga, no partner delivery, so a rebuild sends nothing anywhere. Any failure (a handler
 * that throws, a timeout) leaves the live tables and tokens as they were and drops the shadow tables.
 */
final class RebuildRun implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RebuildRun.class);
    private static final long POLL_MILLIS = 200;
    /** How long the rebuild's own reading of the log waits before it looks again at a head it has reached. */
    private static final long REPLAY_FETCH_MILLIS = 100;

    private final Rebuild rebuild;
    private final RebuildWiring wiring;
    private final FreshHandlers handlers;
    private final ShadowTables shadow;

    RebuildRun(Rebuild rebuild, RebuildWiring wiring, FreshHandlers handlers) {
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
        ReplayProcessor processor = null;
        // The rebuild reads the log through an event store of its own: joining the application's, whose cache every
        // live processor tails, while the application runs is what lost the live audit trail events when partner
        // processors did it (see PartnerProcessors).
        EmbeddedEventStore replaySource = EmbeddedEventStore.builder().storageEngine(wiring.storageEngine())
                .optimizeEventConsumption(false).fetchDelay(REPLAY_FETCH_MILLIS).timeUnit(TimeUnit.MILLISECONDS)
                .build();
        try {
            List<String> bulk = rebuild.groups.stream().filter(wiring.bulk()::contains).toList();
            createShadowTables(!bulk.isEmpty());
            FencedEventSource source = new FencedEventSource(replaySource);
            rebuild.started(RebuildWiring.position(wiring.eventStore().createTailToken()), wiring.head());
            log.info("Rebuild {}: replaying the log up to global index {} into schema {}", rebuild.id,
                    rebuild.view().headPosition(), ShadowTables.SHADOW);
            LogFold.Result folded = null;
            // With groups the fold does not cover, the processor that replays those from the tail tells the progress.
            boolean onlyBulk = bulk.size() == rebuild.groups.size();
            if (!bulk.isEmpty()) {
                folded = new BulkFold(rebuild, wiring, handlers).fold(bulk, onlyBulk);
                long indexing = System.nanoTime();
                shadow.completeAfterLoad(rebuild.tables, workers);
                log.info("Rebuild {}: keys and indexes made in {} ms", rebuild.id,
                        (System.nanoTime() - indexing) / 1_000_000);
                if (onlyBulk) {
                    rebuild.progressed(folded.head(), wiring.head());
                }
                log.info("Rebuild {}: {} folded in bulk up to global index {} ({} events)", rebuild.id, bulk,
                        folded.head(), folded.events());
            }
            // Only bulk groups: the processor follows on from the fold. Otherwise it replays from the tail for the
            // others, and the bulk groups skip what the fold already handled.
            processor = new ReplayProcessor(rebuild, wiring, handlers, source, coordinator, workers,
                    onlyBulk ? folded.token() : null, folded);
            processor.start();
            while (rebuild.state() != Rebuild.State.CATCHING_UP
                    || wiring.head() - rebuild.position() > wiring.settings().switchLag()) {
                Thread.sleep(POLL_MILLIS);
                rebuild.progressed(processor.lowest(), wiring.head());
            }
            new Switchover(rebuild, wiring, shadow).run(processor, source);
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

    /** Empty copies of the tables; for a bulk load, with only the keys the load needs (the rest follow it). */
    private void createShadowTables(boolean forLoad) {
        wiring.transactionManager().executeInTransaction(() -> {
            String refusal = shadow.refusal(rebuild.tables);
            if (refusal != null) {
                throw new RebuildFailure(refusal);
            }
            if (forLoad) {
                shadow.createForLoad(rebuild.tables);
            } else {
                shadow.create(rebuild.tables);
            }
            wiring.forgetToken();
        });
    }

    private void cleanUp() {
        try {
            wiring.transactionManager().executeInTransaction(() -> {
                shadow.dropShadow();
                wiring.forgetToken();
            });
        } catch (RuntimeException e) {
            log.warn("Rebuild {}: could not drop the shadow tables", rebuild.id, e);
        }
    }
}

package dev.careloop.query.rebuild;

import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The moment a caught-up rebuild takes over:
 * <ol>
 * <li>the live processors of the groups stop (reads go on from the live tables, a few moments stale);</li>
 * <li>the log is fenced at its head, and the rebuild runs every segment up to that event and stops;</li>
 * <li>one transaction moves the live tables to the retired schema and the rebuilt ones to public, sets every
 * segment of each live processor to the rebuild's token, and drops the groups' dead letters (the rebuild handled
 * those events without failing, so the rebuilt tables already hold what they were waiting to apply);</li>
 * <li>the live processors start again, from the rebuild's token, on the rebuilt tables; the retired tables go.</li>
 * </ol>
 */
final class Switchover {

    private static final Logger log = LoggerFactory.getLogger(Switchover.class);

    private final Rebuild rebuild;
    private final RebuildWiring wiring;
    private final ShadowTables shadow;

    Switchover(Rebuild rebuild, RebuildWiring wiring, ShadowTables shadow) {
        this.rebuild = rebuild;
        this.wiring = wiring;
        this.shadow = shadow;
    }

    void run(ReplayProcessor processor, FencedEventSource source) throws InterruptedException {
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
            long fence = wiring.head();
            source.fenceAt(fence);
            long deadline = System.nanoTime() + wiring.settings().switchTimeout().toNanos();
            while (processor.lowest() < fence) {
                if (System.nanoTime() > deadline) {
                    throw new RebuildFailure("the rebuild did not reach global index " + fence + " within "
                            + wiring.settings().switchTimeout() + " of stopping the live processors");
                }
                Thread.sleep(10);
            }
            rebuild.progressed(fence, fence);
            TrackingToken token = processor.token();
            processor.shutDown();
            wiring.transactionManager().executeInTransaction(() -> {
                shadow.swap(rebuild.tables);
                for (StreamingEventProcessor p : live) {
                    handOver(p.getName(), token);
                }
                wiring.jdbc().update("DELETE FROM dead_letter_entry WHERE processing_group = ANY(?)",
                        (Object) rebuild.groups.toArray(String[]::new));
                wiring.forgetToken();
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

    /** Every segment of the live processor goes on from the rebuild's token, unclaimed. */
    private void handOver(String name, TrackingToken token) {
        int[] segments = wiring.tokenStore().fetchSegments(name);
        if (segments.length == 0) {
            wiring.tokenStore().initializeTokenSegments(name, 1, token);
        }
        for (int segment : segments) {
            wiring.tokenStore().storeToken(token, name, segment);
            wiring.tokenStore().releaseClaim(name, segment);
        }
    }
}

package dev.careloop.app.nodes;

import dev.careloop.fhir.delivery.PartnerProcessors;
import dev.careloop.plumbing.NodeIdentity;
import dev.careloop.plumbing.PeriodicTask;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The nodes share the event processors' segments (docs/OPERATIONS.md). Every {@code careloop.nodes.heartbeat} a
 * node records that it is alive in careloop_node; nodes seen within {@code careloop.nodes.presence} count. A node
 * holding more segments of a processor than its fair share (segments / live nodes, rounded up) releases one for
 * {@code careloop.nodes.release-for}, and another node's processor claims it at its next claim attempt. Axon's
 * tracking processors claim free segments by themselves (every token-claim-interval), including a dead node's
 * once its claims are older than {@code careloop.nodes.claim-timeout}. Partner delivery processors (built by the FHIR
 * adapter, outside Axon's configuration) are shared the same way: a node that joins, or comes back after a restart,
 * gets its share of partner deliveries too instead of leaving them all to the node that claimed them first.
 */
@Component
class SegmentSharing extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(SegmentSharing.class);

    private final JdbcTemplate jdbc;
    private final NodeIdentity node;
    private final EventProcessingConfiguration processing;
    /** Absent when this process runs without the FHIR side (CARELOOP_SIDES). */
    private final ObjectProvider<PartnerProcessors> partnerProcessors;
    private final Duration heartbeat;
    private final Duration presence;
    private final Duration releaseFor;

    SegmentSharing(JdbcTemplate jdbc, NodeIdentity node, EventProcessingConfiguration processing,
                   ObjectProvider<PartnerProcessors> partnerProcessors,
                   @Value("${careloop.nodes.heartbeat:PT2S}") Duration heartbeat,
                   @Value("${careloop.nodes.presence:PT10S}") Duration presence,
                   @Value("${careloop.nodes.release-for:PT5S}") Duration releaseFor) {
        // Every node beats for itself, from the start; started after Axon's processors, stopped before them.
        super("segment-sharing", heartbeat, Duration.ZERO, Rounds.PER_NODE, Integer.MAX_VALUE - 300);
        this.jdbc = jdbc;
        this.node = node;
        this.processing = processing;
        this.partnerProcessors = partnerProcessors;
        this.heartbeat = heartbeat;
        this.presence = presence;
        this.releaseFor = releaseFor;
    }

    /** Records this node as alive; answers how many nodes are (this one included). */
    int beat() {
        jdbc.update("INSERT INTO careloop_node (node_id) VALUES (?) ON CONFLICT (node_id) DO UPDATE SET seen_at = now()",
                node.id());
        Integer live = jdbc.queryForObject("SELECT count(*) FROM careloop_node WHERE seen_at > now() - make_interval(secs => ?)",
                Integer.class, presence.toMillis() / 1000.0);
        return Math.max(1, live == null ? 1 : live);
    }

    /** One round: heartbeat, then give up segments beyond this node's share. */
    void share() {
        int live = beat();
        Map<String, EventProcessor> processors = new HashMap<>(processing.eventProcessors());
        partnerProcessors.ifAvailable(partners -> processors.putAll(partners.processors()));
        // Every processor's segment count in one round trip, not one per processor.
        Map<String, Integer> segmentsOf = new HashMap<>();
        jdbc.query("SELECT processor_name, count(*) FROM token_entry GROUP BY processor_name",
                row -> {
                    segmentsOf.put(row.getString(1), row.getInt(2));
                });
        for (Map.Entry<String, EventProcessor> entry : processors.entrySet()) {
            if (!(entry.getValue() instanceof TrackingEventProcessor processor) || !processor.isRunning()) {
                continue;
            }
            int segments = segmentsOf.getOrDefault(entry.getKey(), 0);
            if (segments < 2) {
                continue;
            }
            int share = (segments + live - 1) / live;
            var held = processor.processingStatus().keySet();
            if (held.size() > share) {
                int release = held.stream().mapToInt(Integer::intValue).max().orElseThrow();
                log.info("Releasing segment {} of {} for another node: {} held, share {} of {} among {} nodes",
                        release, entry.getKey(), held.size(), share, segments, live);
                processor.releaseSegment(release, releaseFor.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    protected void runOnce() {
        share();
    }

    @Override
    protected void roundFailed(RuntimeException e) {
        log.warn("Sharing segments with the other nodes failed; trying again in {}", heartbeat, e);
    }

    /** Leaving: the others count without this node at once rather than after the presence window. */
    @Override
    protected void stopped() {
        try {
            jdbc.update("DELETE FROM careloop_node WHERE node_id = ?", node.id());
        } catch (RuntimeException e) {
            log.warn("Could not record this node's leaving: {}", e.toString());
        }
    }
}

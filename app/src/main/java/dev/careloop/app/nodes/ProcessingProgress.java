package dev.careloop.app.nodes;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How far the read models have come, whichever node processed them: the event processors' tokens in token_entry
 * (each stored in the transaction that wrote the read model). A position is reached when every segment of every
 * read-model processor this node serves has a token at or past it and not missing it as a gap. Waiting for it is
 * woken by careloop_progress notifications ({@link LogNotifications}) and looks again every 250 ms regardless.
 */
@Component
public class ProcessingProgress {

    private static final long LOOK_AGAIN_MILLIS = 250;

    private final JdbcTemplate jdbc;
    private final Serializer serializer;
    private final EventProcessingConfiguration processing;
    private final Object moved = new Object();
    /** Counts notifications, so one arriving between a look and the wait is not slept through. */
    private volatile long movements;

    ProcessingProgress(JdbcTemplate jdbc, @Qualifier("serializer") Serializer serializer,
                       EventProcessingConfiguration processing) {
        this.jdbc = jdbc;
        this.serializer = serializer;
        this.processing = processing;
    }

    /**
     * The processors whose tokens say how current a read is: those of this node's read models (the saga's is not
     * one: it writes commands, not something a GET shows).
     */
    Set<String> readModelProcessors() {
        Set<String> names = new TreeSet<>(processing.eventProcessors().keySet());
        names.removeIf(name -> name.endsWith("SagaProcessor"));
        return names;
    }

    /** Whether every read model this node serves has processed the event at {@code position} (and all before it). */
    public boolean reached(long position) {
        Set<String> processors = readModelProcessors();
        if (processors.isEmpty()) {
            return true;
        }
        List<String> names = List.copyOf(processors);
        String in = String.join(",", names.stream().map(n -> "?").toList());
        List<Object[]> tokens = jdbc.query("SELECT processor_name, token, token_type FROM token_entry "
                        + "WHERE processor_name IN (" + in + ")",
                (row, i) -> new Object[]{row.getString(1), row.getBytes(2), row.getString(3)}, names.toArray());
        Set<String> seen = new TreeSet<>();
        for (Object[] token : tokens) {
            seen.add((String) token[0]);
            if (!covers((byte[]) token[1], (String) token[2], position)) {
                return false;
            }
        }
        // A processor no node has started yet has no tokens and has processed nothing.
        return seen.containsAll(processors);
    }

    private boolean covers(byte[] serialized, String type, long position) {
        if (serialized == null || type == null) {
            return false;
        }
        TrackingToken token = serializer.deserialize(new SimpleSerializedObject<>(serialized, byte[].class, type, null));
        if (token == null || token.position().orElse(-1) < position) {
            return false;
        }
        return !(token instanceof GapAwareTrackingToken gapAware && gapAware.getGaps().contains(position));
    }

    /** Waits up to {@code timeout} for {@link #reached}; answers whether it was. */
    public boolean awaitReached(long position, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long before = movements;
            if (reached(position)) {
                return true;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            synchronized (moved) {
                if (movements == before) {
                    moved.wait(Math.min(left, LOOK_AGAIN_MILLIS));
                }
            }
        }
    }

    /** A processor stored a token somewhere: waiting readers look again. */
    void moved() {
        synchronized (moved) {
            movements++;
            moved.notifyAll();
        }
    }
}

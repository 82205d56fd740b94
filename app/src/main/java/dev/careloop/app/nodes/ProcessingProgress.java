package dev.careloop.app.nodes;

import dev.careloop.query.ProjectionCommits;
import org.axonframework.config.EventProcessingConfiguration;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * How far the read models have come, whichever node processed them ({@link ProjectionCommits}): this node's
 * segments as they commit (idle ones included, whose tokens are kept in memory), other nodes' from token_entry. A
 * position is reached when every segment of every read-model processor this node serves has handled it. Waiting is
 * woken by this node's commits and by careloop_progress notifications ({@link LogNotifications}), and reads the
 * token table again every 250 ms regardless.
 */
@Component
public class ProcessingProgress {

    private final EventProcessingConfiguration processing;
    private final ProjectionCommits commits;

    ProcessingProgress(EventProcessingConfiguration processing, ProjectionCommits commits) {
        this.processing = processing;
        this.commits = commits;
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
        return commits.reached(readModelProcessors(), position);
    }

    /** Waits up to {@code timeout} for {@link #reached}; answers whether it was. */
    public boolean awaitReached(long position, Duration timeout) throws InterruptedException {
        return commits.awaitReached(readModelProcessors(), position, timeout);
    }

    /** A processor stored a token somewhere: waiting readers look again. */
    void moved() {
        commits.storedElsewhere();
    }
}

package dev.careloop.query;

import java.util.List;

/**
 * Projections a process running the command side as well also runs in each command's own transaction (issue 19),
 * so that the write's answer and anyone's next read find what it wrote without waiting for a tracking processor
 * and without a commit of their own. The tracking processor of {@link #group()} stays the source of truth (rebuilds,
 * replays, a query side in a process of its own, an event whose inline write failed): its handlers must therefore
 * find the inline work done and change nothing.
 */
public interface InlineProjection {

    /** The processing group whose work this repeats. */
    String group();

    /** Instances of its handlers of their own (not the tracking processor's), in the order they are to run. */
    List<Object> handlers();
}

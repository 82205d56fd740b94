package dev.careloop.query.replay;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An append-only table of a projection (a timeline, a history): one row per event, never read back while
 * projecting. Live, each row is one insert; in a rebuild rows stream into the table in bulk (see {@link Stores}).
 */
public interface Journal<R> {

    /**
     * Appends the row; a row with its key already there is kept as it is (redelivery adds nothing). A row that clashes
     * with another row on any other unique column fails, never silently dropped.
     */
    void add(R row);

    /**
     * Rewrites the rows matching an SQL condition on the table ({@code ?} for each argument): each is replaced by
     * {@code change} of it, or kept when that answers null. For rare changes to history (an erasure); answers how
     * many changed.
     */
    int rewrite(String condition, List<Object> args, UnaryOperator<R> change);

    /** Every row of the table goes (a reset). */
    void clear();
}

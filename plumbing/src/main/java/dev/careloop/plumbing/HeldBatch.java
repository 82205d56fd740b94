package dev.careloop.plumbing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The writes of one event processor batch, held until the batch commits (issue 19), for every module's projections:
 * a projection that finds a batch open on its thread keeps its rows here ({@link #part}) and writes them once, in
 * one JDBC batch, as the batch flushes just before its transaction commits; with no batch open it writes each row
 * as it comes. The processor opens one per batch for the groups that ask for it (query-side's {@code BatchedWrites}
 * binds it to the batch's unit of work) and closes it when the batch is done.
 * <p>
 * A handler's writes held here cannot be undone by a savepoint, so handlers run without one, and a handler that
 * fails fails the whole batch ({@link #handlerFailed}): the flush refuses, the batch rolls back
 * ({@link #rolledBack}), and the processor tries it again with a statement per write and a savepoint per handler
 * ({@link #writeThroughNext()}), where the failing event is dead-lettered on its own. Once that retry commits
 * ({@link #wroteThrough()}) the thread's next batch holds its writes again.
 */
public final class HeldBatch {

    /** What a projection holds in a batch: written when the batch flushes. */
    public interface Part {
        void flush();
    }

    private static final ThreadLocal<HeldBatch> CURRENT = new ThreadLocal<>();
    /** Set on this processor thread when a batch that held its writes rolled back: its retry writes through. */
    private static final ThreadLocal<Boolean> WRITE_THROUGH = new ThreadLocal<>();

    /** The parts in the order they were first asked for; each flushes its own rows in its own order. */
    private final Map<Object, Part> parts = new LinkedHashMap<>();
    private String failure;

    private HeldBatch() {
    }

    /**
     * Opens a batch on this thread, to be {@link #close}d when the batch is done. The caller checks
     * {@link #writeThroughNext()} first: a retry writes through and opens none.
     */
    public static HeldBatch open() {
        if (CURRENT.get() != null) {
            throw new IllegalStateException("a batch is already open on this thread");
        }
        HeldBatch batch = new HeldBatch();
        CURRENT.set(batch);
        return batch;
    }

    /** The batch open on this thread, or null: each write is then its own statement. */
    public static HeldBatch current() {
        return CURRENT.get();
    }

    /**
     * True inside a batch that holds its writes: a handler there needs no savepoint of its own, as a failure fails
     * the batch ({@link #handlerFailed}) and the retry, writing through, gives each handler its savepoint.
     */
    public static boolean holding() {
        return CURRENT.get() != null;
    }

    /**
     * A handler failed in a batch that holds its writes: what it wrote cannot be taken back alone (not in PostgreSQL
     * yet) and a failed statement has aborted the transaction, so the batch fails when it would commit and is tried
     * again writing through, where the failing event is dead-lettered on its own.
     */
    public static void handlerFailed(Throwable cause) {
        HeldBatch batch = CURRENT.get();
        if (batch != null && batch.failure == null) {
            batch.failure = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
    }

    /** True when this thread's next batch writes through (the last one that held its writes rolled back). */
    public static boolean writeThroughNext() {
        return Boolean.TRUE.equals(WRITE_THROUGH.get());
    }

    /** A batch of this thread that held its writes rolled back: the next one writes through. */
    public static void rolledBack() {
        WRITE_THROUGH.set(Boolean.TRUE);
    }

    /** The batch that wrote through committed: the next one holds its writes again. */
    public static void wroteThrough() {
        WRITE_THROUGH.remove();
    }

    /**
     * The part kept under {@code key} in this batch, made by {@code create} the first time it is asked for. A key
     * names one store's rows (an object of the store's own): two stores never share one.
     */
    @SuppressWarnings("unchecked")
    public <P extends Part> P part(Object key, Supplier<P> create) {
        return (P) parts.computeIfAbsent(key, k -> create.get());
    }

    /**
     * Writes every part's rows, in the order the parts were first asked for, unless a handler failed: then it
     * throws, and the batch rolls back. Parts stay open: a later flush writes what they gathered since.
     */
    public void flush() {
        if (failure != null) {
            throw new IllegalStateException("an event handler failed in this batch (" + failure
                    + "); the batch is tried again with a statement per write");
        }
        for (Part part : List.copyOf(parts.values())) {
            part.flush();
        }
    }

    /** The batch is done (committed or rolled back): nothing is held on this thread any more. */
    public void close() {
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
    }

    /**
     * Rows of one table to upsert, one per key: a row put again under a key replaces the one held (or not, as
     * {@code merge} decides, given the held row and the new one), and the rows are written in one call, in the order
     * their keys were first put, when the batch flushes.
     */
    public static final class Upserts<K, R> implements Part {
        private final Map<K, R> rows = new LinkedHashMap<>();
        private final BinaryOperator<R> merge;
        private final Consumer<List<R>> write;

        public Upserts(BinaryOperator<R> merge, Consumer<List<R>> write) {
            this.merge = merge;
            this.write = write;
        }

        public void put(K key, R row) {
            rows.merge(key, row, merge);
        }

        @Override
        public void flush() {
            if (!rows.isEmpty()) {
                List<R> held = new ArrayList<>(rows.values());
                rows.clear();
                write.accept(held);
            }
        }
    }
}

package dev.careloop.query.replay;

import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The writes of one event processor batch, held until the batch commits (issue 19): a projection's rows are read from
 * PostgreSQL once per batch and written once, in one JDBC batch per table just before the batch's transaction
 * commits, where each event read and upserted them again (a busy partnership's month row: four statements per event).
 * Opened by the processor for the groups that ask for it ({@code careloop.projections.batched-writes}); outside such a
 * batch every {@link JdbcStores} call is its own statement, as before.
 * <p>
 * What a handler sees is what it would see with a statement per call: a row found is the row as this batch left it,
 * {@link Rows#findAll} adds this batch's rows to what the table holds. A handler's writes held here cannot be undone
 * by a savepoint, so its handlers run without one, and a handler that fails fails the whole batch
 * ({@link #handlerFailed}); the processor then tries the batch again with a statement per call and a savepoint per
 * handler ({@link #writeThroughNext()}), where the failing event is dead-lettered on its own as before.
 */
public final class BatchedWrites {

    private static final String RESOURCE = BatchedWrites.class.getName();
    /** Set on this processor thread when a batch with held writes rolled back: its retry writes through. */
    private static final ThreadLocal<Boolean> WRITE_THROUGH = new ThreadLocal<>();

    private final Map<String, TableWrites<?>> tables = new HashMap<>();
    /** The tables with writes held, in the order of their first write (a parent's row before its children's). */
    private final Map<String, TableWrites<?>> written = new LinkedHashMap<>();
    private String failure;

    private BatchedWrites() {
    }

    /**
     * Holds the writes of {@code unitOfWork}'s batch until it commits, unless the last batch of this thread rolled
     * back; then this one writes through and, once committed, the next holds its writes again.
     */
    public static void open(UnitOfWork<?> unitOfWork) {
        UnitOfWork<?> root = unitOfWork.root();
        if (root.resources().containsKey(RESOURCE)) {
            return;
        }
        if (Boolean.TRUE.equals(WRITE_THROUGH.get())) {
            root.resources().put(RESOURCE, Boolean.FALSE);
            root.afterCommit(u -> WRITE_THROUGH.remove());
            return;
        }
        BatchedWrites batch = new BatchedWrites();
        root.resources().put(RESOURCE, batch);
        root.onPrepareCommit(u -> batch.flush());
        root.onRollback(u -> WRITE_THROUGH.set(Boolean.TRUE));
    }

    /** True when this thread's next batch writes through (the last one with held writes rolled back). */
    public static boolean writeThroughNext() {
        return Boolean.TRUE.equals(WRITE_THROUGH.get());
    }

    /** The batch of the current unit of work, or null: each write is then its own statement. */
    static BatchedWrites current() {
        if (!CurrentUnitOfWork.isStarted()) {
            return null;
        }
        return CurrentUnitOfWork.get().root().getResource(RESOURCE) instanceof BatchedWrites batch ? batch : null;
    }

    /**
     * True inside a batch that holds its writes: a handler there needs no savepoint of its own, as a failure fails
     * the batch ({@link #handlerFailed}) and the retry, writing through, gives each handler its savepoint.
     */
    public static boolean holding() {
        return current() != null;
    }

    /**
     * A handler failed in a batch that holds its writes: what it wrote cannot be taken back alone (not in PostgreSQL
     * yet) and a failed statement has aborted the transaction, so the batch fails when it would commit and is tried
     * again writing through, where the failing event is dead-lettered on its own.
     */
    public static void handlerFailed(Throwable cause) {
        BatchedWrites batch = current();
        if (batch != null && batch.failure == null) {
            batch.failure = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
    }

    @SuppressWarnings("unchecked")
    <R> TableWrites<R> table(JdbcStores.JdbcTable<R> table) {
        return (TableWrites<R>) tables.computeIfAbsent(table.name(), n -> new TableWrites<>(table));
    }

    /** A write held, to be made as the batch commits. */
    void wrote(TableWrites<?> table) {
        written.putIfAbsent(table.table.name(), table);
    }

    /** Writes every held row, table by table in the order of their first write. */
    void flush() {
        if (failure != null) {
            throw new IllegalStateException("an event handler failed in this batch (" + failure
                    + "); the batch is tried again with a statement per write");
        }
        for (TableWrites<?> table : written.values()) {
            table.flush();
        }
        written.clear();
    }

    /** One table's rows as this batch knows them, and what it has to write. */
    static final class TableWrites<R> {
        final JdbcStores.JdbcTable<R> table;
        /** Rows read or written in this batch by key; a key mapped to null is known to have no row. */
        final Map<List<Object>, R> known = new HashMap<>();
        final Map<List<Object>, R> upserts = new LinkedHashMap<>();
        final List<R> inserts = new ArrayList<>();

        TableWrites(JdbcStores.JdbcTable<R> table) {
            this.table = table;
        }

        void flush() {
            if (!upserts.isEmpty()) {
                table.upsertAll(List.copyOf(upserts.values()));
                upserts.clear();
            }
            if (!inserts.isEmpty()) {
                table.insertAll(List.copyOf(inserts));
                inserts.clear();
            }
        }
    }
}

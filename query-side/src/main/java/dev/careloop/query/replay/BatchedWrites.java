package dev.careloop.query.replay;

import dev.careloop.plumbing.HeldBatch;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The projection stores' part of a batch that holds its writes ({@link HeldBatch}, issue 19): a projection's rows are
 * read from PostgreSQL once per batch and written once, in one JDBC batch per table just before the batch's
 * transaction commits, where each event read and upserted them again (a busy partnership's month row: four statements
 * per event). Opened by the processor for the groups that ask for it ({@code careloop.projections.batched-writes});
 * outside such a batch every {@link JdbcStores} call is its own statement, as before.
 * <p>
 * What a handler sees is what it would see with a statement per call: a row found is the row as this batch left it,
 * {@link Rows#findAll} adds this batch's rows to what the table holds. How a failing handler sends the batch back to
 * be written through is {@link HeldBatch}'s.
 */
public final class BatchedWrites implements HeldBatch.Part {

    private static final String RESOURCE = BatchedWrites.class.getName();

    private final Map<String, TableWrites<?>> tables = new HashMap<>();
    /** The tables with writes held, in the order of their first write (a parent's row before its children's). */
    private final Map<String, TableWrites<?>> written = new LinkedHashMap<>();
    /** The aggregates whose events this batch holds: the keys a row keyed by its aggregate is read ahead by. */
    private final Set<String> aggregates;

    private BatchedWrites(Set<String> aggregates) {
        this.aggregates = aggregates;
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
        if (HeldBatch.writeThroughNext()) {
            root.resources().put(RESOURCE, Boolean.FALSE);
            root.afterCommit(u -> HeldBatch.wroteThrough());
            return;
        }
        HeldBatch batch = HeldBatch.open();
        Set<String> aggregates = aggregatesOf(root);
        batch.part(RESOURCE, () -> new BatchedWrites(aggregates));
        root.resources().put(RESOURCE, batch);
        root.onPrepareCommit(u -> batch.flush());
        root.onRollback(u -> HeldBatch.rolledBack());
        root.onCleanup(u -> batch.close());
    }

    private static Set<String> aggregatesOf(UnitOfWork<?> root) {
        if (!(root instanceof BatchingUnitOfWork<?> batch)) {
            return Set.of();
        }
        Set<String> aggregates = new LinkedHashSet<>();
        for (Message<?> message : batch.getMessages()) {
            if (message instanceof DomainEventMessage<?> event && event.getAggregateIdentifier() != null) {
                aggregates.add(event.getAggregateIdentifier());
            }
        }
        return aggregates;
    }

    /** {@code table}'s rows in the batch open on this thread, or null: each write is then its own statement. */
    @SuppressWarnings("unchecked")
    static <R> TableWrites<R> held(JdbcStores.JdbcTable<R> table) {
        HeldBatch batch = HeldBatch.current();
        if (batch == null) {
            return null;
        }
        BatchedWrites writes = batch.part(RESOURCE, () -> new BatchedWrites(Set.of()));
        return (TableWrites<R>) writes.tables.computeIfAbsent(table.name(), n -> new TableWrites<>(writes, table));
    }

    /** Writes every held row, table by table in the order of their first write. */
    @Override
    public void flush() {
        for (TableWrites<?> table : written.values()) {
            table.flush();
        }
        written.clear();
    }

    /** One table's rows as this batch knows them, and what it has to write. */
    static final class TableWrites<R> {
        private final BatchedWrites batch;
        private final JdbcStores.JdbcTable<R> table;
        /** Rows read or written in this batch by key; a key mapped to null is known to have no row. */
        final Map<List<Object>, R> known = new HashMap<>();
        final Map<List<Object>, R> upserts = new LinkedHashMap<>();
        private final List<R> inserts = new ArrayList<>();
        /** Whether this table has been read ahead in this batch (or emptied, after which it is not). */
        private boolean readAheadDone;

        TableWrites(BatchedWrites batch, JdbcStores.JdbcTable<R> table) {
            this.batch = batch;
            this.table = table;
        }

        /**
         * The keys to read in one statement when {@code key}, not known yet, is the first of this table's keys asked
         * for that names an aggregate of the batch: every aggregate of the batch not known yet (a table keyed by
         * referral, say, is read once for all the referrals of the batch, where each was its own statement). Empty
         * otherwise, and after the first time: the table is read ahead once per batch.
         */
        List<String> keysToReadAhead(List<Object> key) {
            if (readAheadDone || key.size() != 1 || !(key.get(0) instanceof String id)
                    || !batch.aggregates.contains(id)) {
                return List.of();
            }
            readAheadDone = true;
            return batch.aggregates.stream().filter(a -> !known.containsKey(List.of(a))).toList();
        }

        /** Rows read ahead for {@code keys}: each key without a row is known to have none. */
        void readAhead(List<String> keys, List<R> rows) {
            for (R row : rows) {
                known.putIfAbsent(table.keyOf(row), row);
            }
            for (String key : keys) {
                known.putIfAbsent(List.of(key), null);
            }
        }

        /** A row upserted under {@code key}: found as it is from now on, written as the batch commits. */
        void put(List<Object> key, R row) {
            known.put(key, row);
            upserts.put(key, row);
            batch.written.putIfAbsent(table.name(), this);
        }

        /** A journal row, inserted as the batch commits. */
        void add(R row) {
            inserts.add(row);
            batch.written.putIfAbsent(table.name(), this);
        }

        /** The table was emptied: nothing this batch held of it stands. */
        void forget() {
            readAheadDone = true;
            known.clear();
            upserts.clear();
            inserts.clear();
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

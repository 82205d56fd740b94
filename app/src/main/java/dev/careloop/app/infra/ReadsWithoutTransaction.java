package dev.careloop.app.infra;

import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;

import java.util.function.Supplier;

/**
 * The storage engine's transactions: its writes (appends, snapshots) in one as before, its reads in none of their own
 * (issue 19). Each read of the engine is one statement, or a few whose answers need no common snapshot (the tracking
 * processors' read of the log and Axon's check of its gaps), so outside a transaction they run in autocommit, without
 * a BEGIN and a COMMIT round trip and the transaction's bookkeeping: under the command benchmark about one such
 * read-only transaction per event appended. Inside a transaction (a command loading its aggregate, a processor's
 * batch reading a history) a read runs in that transaction, as it joined it before.
 */
final class ReadsWithoutTransaction implements TransactionManager {

    private final TransactionManager writes;

    ReadsWithoutTransaction(TransactionManager writes) {
        this.writes = writes;
    }

    @Override
    public Transaction startTransaction() {
        return writes.startTransaction();
    }

    @Override
    public <T> T fetchInTransaction(Supplier<T> read) {
        return read.get();
    }
}

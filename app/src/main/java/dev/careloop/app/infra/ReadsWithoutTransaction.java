package dev.careloop.app.infra;

import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;

import java.util.function.Supplier;

/**
 * The storage engine's transactions: its writes (appends, snapshots) in one as before, and its reads outside any unit
 * of work in none of their own (issue 19). Such a read (the embedded event store's producer and the tracking
 * processors reading the log, and Axon's check of its gaps) is one statement, or a few whose answers need no common
 * snapshot, so it runs in autocommit, without a BEGIN and a COMMIT round trip and the transaction's bookkeeping: under
 * the command benchmark about one read-only transaction per event appended.
 * <p>
 * Inside a unit of work a read takes a transaction as before. In a unit of work that has one (a command loading its
 * aggregate, a processor's batch) it joins it. In one that has none (a partner delivery's batch, which holds no
 * connection while the partner answers) the connection goes back to the pool when the read's transaction ends,
 * where Axon's connection provider would keep an autocommit connection for the rest of the unit of work
 * ({@code ManyPartnersSmallPoolTest} starves a pool of 8 that way).
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
        return CurrentUnitOfWork.isStarted() ? TransactionManager.super.fetchInTransaction(read) : read.get();
    }
}

package dev.careloop.fhir.delivery;

import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MessageHandlerInterceptor;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/**
 * The transactions of a partner's deliveries, opened only once the partner has answered. A unit of work that Axon
 * attaches to this manager (a delivery batch, a dead-letter retry) gets a transaction that is not begun: what the
 * delivery reads (and the Subscriptions event number it takes) before its HTTP call runs in short transactions of
 * its own, no connection waits on the partner, and the outcome (the processor's token, the disclosures in the log)
 * is written in one transaction begun at prepare-commit ({@link #beginDeferred()}, called by {@link PartnerTokens} and by
 * {@link #beginningAtPrepareCommit()}). Whatever Axon runs through {@code executeInTransaction} or
 * {@code fetchInTransaction} (claims, fetching a token) is begun at once, as before.
 */
final class AfterTheAnswer implements TransactionManager {

    /** The deferred transactions open on this thread, innermost first. */
    private static final ThreadLocal<Deque<Deferred>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    private final TransactionManager delegate;

    AfterTheAnswer(TransactionManager delegate) {
        this.delegate = delegate;
    }

    @Override
    public Transaction startTransaction() {
        Deferred transaction = new Deferred();
        OPEN.get().push(transaction);
        return transaction;
    }

    @Override
    public void executeInTransaction(Runnable task) {
        delegate.executeInTransaction(task);
    }

    @Override
    public <T> T fetchInTransaction(Supplier<T> supplier) {
        return delegate.fetchInTransaction(supplier);
    }

    /** Begins the innermost deferred transaction of this thread, if it is not begun yet (else nothing). */
    static void beginDeferred() {
        Deferred innermost = OPEN.get().peek();
        if (innermost != null) {
            innermost.begin();
        }
    }

    /**
     * An interceptor that begins the deferred transaction at prepare-commit, before the events a handler published
     * are appended: registered on the dead-letter invoker, whose retries store no token.
     */
    static <T extends EventMessage<?>> MessageHandlerInterceptor<T> beginningAtPrepareCommit() {
        return (unitOfWork, chain) -> {
            unitOfWork.onPrepareCommit(u -> beginDeferred());
            return chain.proceed();
        };
    }

    private final class Deferred implements Transaction {
        private Transaction begun;

        void begin() {
            if (begun == null) {
                begun = delegate.startTransaction();
            }
        }

        @Override
        public void commit() {
            OPEN.get().remove(this);
            if (begun != null) {
                begun.commit();
            }
        }

        @Override
        public void rollback() {
            OPEN.get().remove(this);
            if (begun != null) {
                begun.rollback();
            }
        }
    }
}

package dev.careloop.app.infra;

import dev.careloop.plumbing.HeldBatch;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.annotation.HandlerEnhancerDefinition;
import org.axonframework.messaging.annotation.MessageHandlingMember;
import org.axonframework.messaging.annotation.WrappedMessageHandlingMember;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every event handler of a tracking processor (projections, the audit trail, the FHIR index, the saga) runs inside a
 * savepoint of its batch's transaction. A handler that fails on a database error then rolls back only its own
 * statements: the transaction stays usable, so Axon's dead-letter queue can park the event in that same
 * transaction and the rest of the batch goes on. Without it PostgreSQL refuses every later statement of the
 * aborted transaction, the dead-letter insert included, and the processor retries the batch for ever.
 * Aggregates' {@code @EventSourcingHandler}s are left alone: they touch no database. In a batch that holds its writes
 * until it commits ({@link HeldBatch}) a savepoint could not take them back: handlers there run without one, a
 * failure fails the batch, and its retry writes through, each handler in its savepoint. The inline projections'
 * handlers, run in a command's transaction, share one savepoint per unit of work instead ({@link InlineSavepoint}),
 * two statements fewer per handler and event on the request's path.
 */
@Component
class HandlerSavepoints implements HandlerEnhancerDefinition {

    private final ObjectProvider<PlatformTransactionManager> transactions;
    private volatile TransactionTemplate savepoint;

    HandlerSavepoints(ObjectProvider<PlatformTransactionManager> transactions) {
        this.transactions = transactions;
    }

    @Override
    public <T> MessageHandlingMember<T> wrapHandler(MessageHandlingMember<T> original) {
        if (!original.canHandleMessageType(EventMessage.class) || !original.hasAnnotation(EventHandler.class)
                || original.hasAnnotation(EventSourcingHandler.class)) {
            return original;
        }
        return new Savepointed<>(original);
    }

    private TransactionTemplate savepoint() {
        TransactionTemplate template = savepoint;
        if (template == null) {
            template = new TransactionTemplate(transactions.getObject());
            // NESTED inside a running transaction is a JDBC savepoint on its connection.
            template.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
            savepoint = template;
        }
        return template;
    }

    private final class Savepointed<T> extends WrappedMessageHandlingMember<T> {
        private final MessageHandlingMember<T> delegate;

        Savepointed(MessageHandlingMember<T> delegate) {
            super(delegate);
            this.delegate = delegate;
        }

        @Override
        public Object handle(Message<?> message, T target) throws Exception {
            if (!TransactionSynchronizationManager.isActualTransactionActive()) {
                // Nothing to protect (a handler called outside a processor's transaction): no transaction of our own.
                return delegate.handle(message, target);
            }
            if (InlineSavepoint.covers()) {
                // An inline projection's, in a command's transaction: its unit of work's one savepoint covers it.
                return delegate.handle(message, target);
            }
            if (HeldBatch.holding()) {
                // Its writes wait for the batch's commit: a failure fails the batch, which is retried writing through.
                try {
                    return delegate.handle(message, target);
                } catch (Exception | Error e) {
                    HeldBatch.handlerFailed(e);
                    throw e;
                }
            }
            try {
                return savepoint().execute(status -> {
                    try {
                        return delegate.handle(message, target);
                    } catch (RuntimeException | Error e) {
                        throw e;
                    } catch (Exception e) {
                        throw new CheckedFailure(e);
                    }
                });
            } catch (CheckedFailure e) {
                throw (Exception) e.getCause();
            }
        }
    }

    /** Carries a handler's checked exception through the template, which rolls back on runtime exceptions. */
    private static final class CheckedFailure extends RuntimeException {
        CheckedFailure(Exception cause) {
            super(cause);
        }
    }
}

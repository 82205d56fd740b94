package dev.careloop.app.infra;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.sql.SQLException;
import java.sql.Savepoint;

/**
 * One savepoint for all the inline projections' handlers of a unit of work ({@link InlineProjections}): the first
 * handler that handles one of its events takes it on the transaction's connection, the others run under it, and none
 * releases it (PostgreSQL drops it at commit): one statement on the command's path where a savepoint per handler
 * and event cost two. When a handler fails, the whole unit of work's inline work is rolled back to it and no inline
 * handler runs again in that unit of work: every one of its events is left to the groups' tracking processors, which
 * apply all of them anyway (idempotently), so nothing undone is lost and no later event is applied over a failed one.
 * Kept on the root unit of work, which publishes the events of every command nested in it, for its transaction only
 * (the connection Spring has bound to it).
 */
final class InlineSavepoint {

    private static final String TAKEN = InlineSavepoint.class.getName();
    /** Marks an inline processor's unit of work, where {@link HandlerSavepoints} takes no savepoint of its own. */
    private static final String INLINE = TAKEN + ".inline";

    private final ConnectionHolder transaction;
    private final Savepoint savepoint;
    private boolean rolledBack;

    private InlineSavepoint(ConnectionHolder transaction, Savepoint savepoint) {
        this.transaction = transaction;
        this.savepoint = savepoint;
    }

    /** Whether the handler running now is an inline projection's, under its unit of work's one savepoint. */
    static boolean covers() {
        return CurrentUnitOfWork.isStarted() && CurrentUnitOfWork.get().resources().containsKey(INLINE);
    }

    /**
     * The handler run under its unit of work's savepoint. {@code connections} is the key Spring binds the
     * transaction's connection to (its transaction manager's data source).
     */
    static EventMessageHandler around(EventMessageHandler handler, Object connections) {
        return new Covered(handler, connections);
    }

    private void rollBack(Exception failure) {
        rolledBack = true;
        try {
            transaction.getConnection().rollback(savepoint);
            // As Spring does after a rollback to a savepoint: whatever marked the transaction rollback-only is undone.
            transaction.resetRollbackOnly();
        } catch (SQLException e) {
            e.addSuppressed(failure);
            throw new NotRolledBack(e);
        }
    }

    /**
     * The savepoint could not be rolled back to: the transaction's state is unknown, and the command must fail rather
     * than commit it ({@link InlineProjections} lets this one through).
     */
    static final class NotRolledBack extends RuntimeException {
        NotRolledBack(SQLException cause) {
            super("An inline projection failed and its savepoint could not be rolled back to", cause);
        }
    }

    private record Covered(EventMessageHandler handler, Object connections) implements EventMessageHandler {

        @Override
        public Object handle(EventMessage<?> event) throws Exception {
            UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get();
            unitOfWork.resources().put(INLINE, Boolean.TRUE);
            UnitOfWork<?> root = unitOfWork.root();
            InlineSavepoint taken = root.getResource(TAKEN);
            if (taken != null && taken.rolledBack) {
                // An inline handler of this unit of work failed: the rest is the tracking processors' too.
                return null;
            }
            if (!handler.canHandle(event)) {
                // Takes no savepoint for an event no inline handler wants (most of the other aggregates' events).
                return null;
            }
            if (!(TransactionSynchronizationManager.getResource(connections) instanceof ConnectionHolder transaction)
                    || !TransactionSynchronizationManager.isActualTransactionActive()) {
                // Outside a transaction nothing is left to protect.
                return handler.handle(event);
            }
            if (taken == null || taken.transaction != transaction) {
                taken = new InlineSavepoint(transaction, transaction.createSavepoint());
                root.resources().put(TAKEN, taken);
            }
            try {
                return handler.handle(event);
            } catch (Exception e) {
                taken.rollBack(e);
                throw e;
            }
        }

        @Override
        public boolean canHandle(EventMessage<?> event) {
            return handler.canHandle(event);
        }

        @Override
        public boolean canHandleType(Class<?> payloadType) {
            return handler.canHandleType(payloadType);
        }

        @Override
        public Class<?> getTargetType() {
            return handler.getTargetType();
        }

        @Override
        public void prepareReset() {
            handler.prepareReset();
        }

        @Override
        public <R> void prepareReset(R resetContext) {
            handler.prepareReset(resetContext);
        }

        @Override
        public boolean supportsReset() {
            return handler.supportsReset();
        }
    }
}

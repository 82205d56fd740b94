package dev.careloop.query.rebuild;

import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The rebuild processor's transactions: the application's, with the shadow schema first on the search path for
 * that transaction only ({@code SET LOCAL}). Everything a handler writes in its batch, through any bean that uses
 * the application's JdbcTemplate (the projection, its journal, an index helper), lands in the shadow tables, in the
 * same transaction as the rebuild's token; names not in the shadow schema (token_entry) resolve to public. Commits
 * are asynchronous ({@code synchronous_commit = off}): a crash can lose the last batches, and their token with them,
 * so they are simply replayed again; never a torn state.
 */
final class ShadowTransactions implements TransactionManager {

    private final TransactionManager delegate;
    private final JdbcTemplate jdbc;

    ShadowTransactions(TransactionManager delegate, JdbcTemplate jdbc) {
        this.delegate = delegate;
        this.jdbc = jdbc;
    }

    @Override
    public Transaction startTransaction() {
        Transaction transaction = delegate.startTransaction();
        try {
            jdbc.execute("SET LOCAL search_path TO " + ShadowTables.SHADOW + ", public; "
                    + "SET LOCAL synchronous_commit TO off");
        } catch (RuntimeException e) {
            transaction.rollback();
            throw e;
        }
        return transaction;
    }
}

package dev.careloop.plumbing;

import org.springframework.transaction.TransactionSystemException;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * Whether a failure means the database could not be reached (refused connection, connection lost, server shutting
 * down or full, no pooled connection within the pool's timeout) rather than a fault of the request or of CareLoop:
 * such a request is answered 503 with Retry-After, never 500. Judged by the cause chain, so that every edge (REST,
 * FHIR, the container's error page) answers alike. When the connection is cut mid-transaction the rollback fails too
 * ("Connection is closed", no SQLSTATE) and Spring throws that failure, keeping the statement's own error (the server's
 * 57P01, say) aside as the "application exception", outside the cause chain: that one is judged as well. Nothing
 * committed; the caller may retry.
 */
public final class DatabaseOutage {

    /** Seconds a client is asked to wait before retrying (with the same Idempotency-Key). */
    public static final int RETRY_AFTER_SECONDS = 5;

    public static final String DETAIL = "the database cannot be reached just now; nothing more can be done for this "
            + "request until it is back: retry it (with the same Idempotency-Key) after a few seconds";

    private DatabaseOutage() {
    }

    public static boolean causedBy(Throwable thrown) {
        int depth = 0;
        for (Throwable t = thrown; t != null && depth < 32; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql && (sql.getSQLState() != null ? unreachable(sql.getSQLState())
                    : closedByThePool(sql))) {
                return true;
            }
            if (t instanceof TransactionSystemException failed && failed.getApplicationException() != null
                    && causedBy(failed.getApplicationException())) {
                return true;
            }
        }
        return false;
    }

    /**
     * HikariCP's "Connection is closed", which names no SQLSTATE: the pool swaps a connection for its closed stand-in
     * when a statement on it failed with a fatal state (08..., 57P01: the server cut it), and a transaction still
     * holding it then fails on its next statement or its rollback with this.
     */
    private static boolean closedByThePool(SQLException e) {
        StackTraceElement[] at = e.getStackTrace();
        return at.length > 0 && at[0].getClassName().startsWith(HIKARI_CLOSED_CONNECTION);
    }

    private static final String HIKARI_CLOSED_CONNECTION = "com.zaxxer.hikari.pool.ProxyConnection$ClosedConnection";

    /** SQLSTATE class 08 (connection exception), 57P01-57P03 (shutdown, cannot connect now), 53300 (too many). */
    private static boolean unreachable(String state) {
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || state.equals("53300");
    }
}

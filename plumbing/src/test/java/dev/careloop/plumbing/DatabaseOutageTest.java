package dev.careloop.plumbing;

import org.junit.jupiter.api.Test;
import org.springframework.transaction.TransactionSystemException;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseOutageTest {

    @Test
    void aShutdownStatementBehindAFailedRollbackIsAnOutage() {
        TransactionSystemException rollbackFailed = new TransactionSystemException("Could not roll back",
                new SQLException("Connection is closed"));
        rollbackFailed.initApplicationException(new RuntimeException(new SQLException("terminating connection", "57P01")));

        assertThat(DatabaseOutage.causedBy(new RuntimeException(rollbackFailed))).isTrue();
    }

    @Test
    void aRefusedStatementBehindAFailedRollbackIsNoOutage() {
        TransactionSystemException rollbackFailed = new TransactionSystemException("Could not roll back",
                new SQLException("Connection is closed"));
        rollbackFailed.initApplicationException(new SQLException("value too long", "22001"));

        assertThat(DatabaseOutage.causedBy(rollbackFailed)).isFalse();
    }

    @Test
    void aConnectionExceptionInTheCauseChainIsAnOutage() {
        assertThat(DatabaseOutage.causedBy(new IllegalStateException(new SQLException("no route", "08001")))).isTrue();
        assertThat(DatabaseOutage.causedBy(new IllegalStateException("a bug"))).isFalse();
    }

    @Test
    void theStatementAfterThePoolClosedACutConnectionIsAnOutage() {
        // What the fault suite saw: db-scheduler's statement on a connection HikariCP had closed after the server
        // cut it, then the rollback on it; neither names a SQLSTATE.
        TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed",
                closedByHikari());
        rollbackFailed.initApplicationException(new RuntimeException("Error when preparing statement.", closedByHikari()));

        assertThat(DatabaseOutage.causedBy(rollbackFailed)).isTrue();
        assertThat(DatabaseOutage.causedBy(closedByHikari())).isTrue();
    }

    private static SQLException closedByHikari() {
        SQLException closed = new SQLException("Connection is closed");
        closed.setStackTrace(new StackTraceElement[]{new StackTraceElement(
                "com.zaxxer.hikari.pool.ProxyConnection$ClosedConnection", "lambda$getClosedConnection$0",
                "ProxyConnection.java", 559)});
        return closed;
    }
}

package dev.careloop.app.web;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionSystemException;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fault suite's database restart found a send answered 500: PostgreSQL cut the connection during the append
 * (57P01), the rollback then failed on the closed connection, and Spring threw that, with the 57P01 kept aside.
 */
class DatabaseUnavailableTest {

    private final DatabaseUnavailable advice = new DatabaseUnavailable();

    @Test
    void aRollbackThatFailedBecauseTheServerCutTheConnectionIs503WithRetryAfter() throws Exception {
        TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        rollbackFailed.initApplicationException(new IllegalStateException("the append failed",
                new SQLException("FATAL: terminating connection due to administrator command", "57P01")));

        ResponseEntity<ProblemDetail> answer = advice.unavailable(rollbackFailed);

        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("5");
        assertThat(answer.getBody().getStatus()).isEqualTo(503);
    }

    @Test
    void aRollbackThatFailedAfterARefusedStatementIsStillAFaultOfOurs() {
        TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        rollbackFailed.initApplicationException(new DataIntegrityViolationException("duplicate key",
                new SQLException("duplicate key value violates unique constraint", "23505")));

        assertThatThrownBy(() -> advice.unavailable(rollbackFailed)).isSameAs(rollbackFailed);
    }
}

package dev.careloop.fhir.facade;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.TransactionSystemException;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Diagnostics that name CareLoop's insides are replaced by what they mean; plain ones are kept. A database that
 * cannot be reached is a 503 with Retry-After, never a 500.
 */
class UserLevelOutcomesTest {

    private final UserLevelOutcomes outcomes = new UserLevelOutcomes();

    /** The server cut the connection during the statement (57P01), and the rollback then failed on it. */
    private static TransactionSystemException rollbackFailedAfter(SQLException statement) {
        TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        rollbackFailed.initApplicationException(new IllegalStateException("the append failed", statement));
        return rollbackFailed;
    }

    @Test
    void aRollbackThatFailedBecauseTheServerCutTheConnectionIs503WithRetryAfter() {
        TransactionSystemException rollbackFailed = rollbackFailedAfter(
                new SQLException("FATAL: terminating connection due to administrator command", "57P01"));

        // HAPI wraps what a provider threw in a 500; thrown outside a provider it comes as it is.
        for (Throwable thrown : new Throwable[]{new InternalErrorException("failed", rollbackFailed), rollbackFailed}) {
            BaseServerResponseException answer = outcomes.userLevel(null, thrown);

            assertThat(answer.getStatusCode()).isEqualTo(503);
            assertThat(answer.getResponseHeaders().get("Retry-After")).containsExactly("5");
            OperationOutcome outcome = (OperationOutcome) answer.getOperationOutcome();
            assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.TRANSIENT);
        }
    }

    @Test
    void aRollbackThatFailedAfterARefusedStatementIsStillA500() {
        TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        rollbackFailed.initApplicationException(new DataIntegrityViolationException("duplicate key",
                new SQLException("duplicate key value violates unique constraint", "23505")));

        BaseServerResponseException answer = outcomes.userLevel(null,
                new InternalErrorException("failed", rollbackFailed));

        assertThat(answer.getStatusCode()).isEqualTo(500);
        assertThat(answer.getResponseHeaders()).doesNotContainKey("Retry-After");
    }

    @Test
    void plainDiagnosticsAreKept() {
        String plain = "Bundle.entry[1].resource.owner: unknown organisation 'nowhere-clinic'";

        assertThat(UserLevelOutcomes.diagnostics(422, plain)).isEqualTo(plain);
        assertThat(UserLevelOutcomes.diagnostics(403, "this token may not write Task resources (that needs the "
                + "scope system/Task.write)")).contains("system/Task.write");
    }

    @Test
    void javaNamesAndParserInternalsAreReplaced() {
        assertThat(UserLevelOutcomes.diagnostics(400, "HAPI-0450: Failed to parse request body as JSON resource. "
                + "Error was: HAPI-1861: Failed to parse JSON encoded FHIR content: Unexpected character "
                + "at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)]"))
                .isEqualTo("the body could not be parsed as FHIR JSON or XML");
        assertThat(UserLevelOutcomes.diagnostics(400, "java.lang.IllegalArgumentException: bad"))
                .doesNotContain("java.").doesNotContain("Exception");
        assertThat(UserLevelOutcomes.diagnostics(422, "dev.careloop.fhir.inbound.TaskUpdates failed"))
                .isEqualTo("the content is not valid FHIR R4 for this interaction");
        assertThat(UserLevelOutcomes.diagnostics(404, "ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException"))
                .isEqualTo("not found");
    }
}

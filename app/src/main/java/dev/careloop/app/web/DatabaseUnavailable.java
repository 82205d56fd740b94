package dev.careloop.app.web;

import dev.careloop.plumbing.DatabaseOutage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.sql.SQLException;

/**
 * A request that failed because the database could not be reached is a 503 problem with Retry-After, never a 500:
 * the client may retry it. Spring matches these types anywhere in the cause chain; a database failure that is not
 * an outage (a constraint, a bug) is thrown on, to the container's 500 problem.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class DatabaseUnavailable {

    private static final Logger log = LoggerFactory.getLogger(DatabaseUnavailable.class);

    @ExceptionHandler({SQLException.class, DataAccessException.class, TransactionException.class,
            java.net.ConnectException.class})
    ResponseEntity<ProblemDetail> unavailable(Exception thrown) throws Exception {
        if (!DatabaseOutage.causedBy(thrown)) {
            throw thrown;
        }
        log.warn("Answered 503: the database cannot be reached: {}", thrown.toString());
        return answer();
    }

    static ResponseEntity<ProblemDetail> answer() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, DatabaseOutage.DETAIL);
        problem.setTitle("Service Unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Integer.toString(DatabaseOutage.RETRY_AFTER_SECONDS))
                .body(problem);
    }
}

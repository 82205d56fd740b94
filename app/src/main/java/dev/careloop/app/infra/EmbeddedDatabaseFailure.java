package dev.careloop.app.infra;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Why the embedded PostgreSQL cannot start, in one line, with what to do about it. Spring Boot reports it through
 * {@link Analyzer} as "APPLICATION FAILED TO START" with that line, instead of a chain of bean-creation causes.
 */
public class EmbeddedDatabaseFailure extends RuntimeException {

    private final String action;

    EmbeddedDatabaseFailure(String reason, String action) {
        this(reason, action, null);
    }

    EmbeddedDatabaseFailure(String reason, String action, Throwable cause) {
        super("The embedded PostgreSQL cannot start: " + reason, cause);
        this.action = action;
    }

    public String action() {
        return action;
    }

    /** Registered in META-INF/spring.factories. */
    public static class Analyzer extends AbstractFailureAnalyzer<EmbeddedDatabaseFailure> {

        @Override
        protected FailureAnalysis analyze(Throwable rootFailure, EmbeddedDatabaseFailure cause) {
            return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
        }
    }
}

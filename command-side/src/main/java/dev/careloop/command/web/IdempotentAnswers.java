package dev.careloop.command.web;

import dev.careloop.api.privacy.PatientDataStore;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Erasure's view of the answers kept for idempotent writes: a kept answer is the view the write returned, with
 * the patient and their clinical text, so erasure forgets it. A retry of that key afterwards reads the view again,
 * as it then is.
 */
@Component
class IdempotentAnswers implements PatientDataStore {

    private final JdbcTemplate jdbc;

    IdempotentAnswers(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String name() {
        return "answers kept for idempotent writes";
    }

    @Override
    public int erase(String patientId) {
        // Views are written compactly (WriteResponses), and name their patient by this pseudonymous id.
        return jdbc.update("UPDATE idempotency_key SET body = NULL WHERE position(? in body) > 0",
                "\"patientId\":\"" + patientId + "\"");
    }
}

package dev.careloop.app.access;

import dev.careloop.api.privacy.PatientDataStore;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Erasure covers the access log: the query text of every read about the patient (which may hold their name or MRN)
 * becomes the erased placeholder. Who read what, when, and whether it was allowed stay: ids are pseudonymous, and
 * the chain still verifies (V41 keeps each query's digest, and its trigger allows this one change).
 */
@Component
class AccessLogErasure implements PatientDataStore {

    private final JdbcTemplate jdbc;

    AccessLogErasure(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String name() {
        return "access log (query texts)";
    }

    @Override
    public int erase(String patientId) {
        return jdbc.update("UPDATE access_entry SET query = '(erased)' WHERE patient_id = ? AND query IS NOT NULL "
                + "AND query <> '(erased)'", patientId);
    }
}

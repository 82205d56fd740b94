package dev.careloop.app.access;

import dev.careloop.api.privacy.PatientDataStore;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Erasure covers the access log: the query text of every read about the patient (which may hold their name or MRN)
 * becomes the erased placeholder: reads that named the patient, and lists or searches that returned one of their
 * referrals, records or appointments (a search by name names no patient id, but finds theirs). Who read what, when,
 * and whether it was allowed stay: ids are pseudonymous, and the chain still verifies (V41 keeps each query's digest,
 * and its trigger allows this one change).
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
        // The read models keep the pseudonymous id after erasure, so they still say which ids were the patient's.
        return jdbc.update("""
                UPDATE access_entry SET query = '(erased)'
                 WHERE query IS NOT NULL AND query <> '(erased)'
                   AND (patient_id = ? OR returned_ids && ARRAY(
                        SELECT referral_id FROM referral_view WHERE patient_id = ?
                        UNION ALL SELECT record_id FROM record_view WHERE patient_id = ?
                        UNION ALL SELECT appointment_id FROM appointment_view WHERE patient_id = ?)::text[])""",
                patientId, patientId, patientId, patientId);
    }
}

package dev.careloop.query.privacy;

import dev.careloop.api.privacy.PatientDataStore;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Erasure's view of the query side's read models: every copy of a patient's identity in one call. */
@Component
class ReadModelPatientData implements PatientDataStore {

    private final JdbcTemplate jdbc;

    ReadModelPatientData(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String name() {
        return "read models (referrals, records, appointments)";
    }

    @Override
    public int erase(String patientId) {
        return PatientScrub.referrals(jdbc, patientId) + PatientScrub.records(jdbc, patientId)
                + PatientScrub.appointments(jdbc, patientId);
    }
}

package dev.careloop.query.privacy;

import dev.careloop.api.privacy.PatientDataStore;
import org.springframework.stereotype.Component;

import java.util.List;

/** Erasure's view of the query side's read models: every copy of a patient's identity and clinical text in one call. */
@Component
class ReadModelPatientData implements PatientDataStore {

    private final List<PatientScrub> readModels;

    ReadModelPatientData(List<PatientScrub> readModels) {
        this.readModels = readModels;
    }

    @Override
    public String name() {
        return "read models (referrals, records, appointments, audit trail)";
    }

    @Override
    public int erase(String patientId) {
        return readModels.stream().mapToInt(r -> r.scrub(patientId)).sum();
    }
}

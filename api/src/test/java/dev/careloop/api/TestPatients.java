package dev.careloop.api;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/**
 * Patients as the platform names them, with ids keyed by a fixed test secret (the application's is random). Shared
 * with the other modules' tests through api's test-jar.
 */
public final class TestPatients {

    public static final PatientIds IDS = new PatientIds(
            "careloop test patient-id secret, 32+ bytes".getBytes(StandardCharsets.UTF_8));

    private TestPatients() {
    }

    public static Patient patient(String identifierSystem, String identifierValue, String name, LocalDate birthDate) {
        return IDS.patient(identifierSystem, identifierValue, name, birthDate);
    }
}

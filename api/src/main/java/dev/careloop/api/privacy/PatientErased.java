package dev.careloop.api.privacy;

import dev.careloop.api.FreeText;

/**
 * An administrator erased a patient: the key that sealed the patient's identity in the log was destroyed and
 * every copy outside the log was replaced by the erased placeholder ({@link dev.careloop.api.Patient#erased}).
 * Carries the platform's pseudonymous patient id only, never what was erased. Stored without an aggregate.
 */
public record PatientErased(String patientId, @FreeText String reason, int copiesErased) {
}

package dev.careloop.api.privacy;

import dev.careloop.api.Patient;

/**
 * The patient of one referral, shared record or appointment ({@code aggregateId}) is now named by the keyed platform
 * id ({@code newPatientId}) instead of the unkeyed one its earlier events carry ({@code oldPatientId}, the former
 * UUIDv3 of the identifier). Appended to the aggregate's own stream, so the aggregate's state, its read models
 * and its FHIR resources follow in the aggregate's own order; earlier events are never rewritten. Carries the two
 * pseudonymous ids only, never the identifier they were computed from.
 */
public record PatientRekeyed(String aggregateId, String oldPatientId, String newPatientId) {

    /** The patient as the aggregate knows it after this event: the same person under the new id. */
    public Patient applyTo(Patient patient) {
        if (patient == null || !oldPatientId.equals(patient.patientId())) {
            // Another patient (or none): not what this event re-keys.
            return patient;
        }
        return patient.isErased() ? Patient.erased(newPatientId)
                : new Patient(newPatientId, patient.identifierSystem(), patient.identifierValue(), patient.name(),
                patient.birthDate());
    }

    /** The id an event of the aggregate names its patient by after this event. */
    public String applyTo(String patientId) {
        return oldPatientId.equals(patientId) ? newPatientId : patientId;
    }
}

package dev.careloop.api;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.LocalDate;

/**
 * the patient a referral, shared record or appointment is about, named by an identifier (system + value, such as the initiator's
 * medical record number). {@code patientId} is the platform's id for that identifier ({@link PatientIds}).
 */
public record Patient(String patientId, String identifierSystem, String identifierValue, String name,
                      LocalDate birthDate) {

    /** The identifier system of a patient whose identity was erased; the value is then the platform id. */
    public static final String ERASED_SYSTEM = "urn:careloop:erased";
    /** The name shown for a patient whose identity was erased. */
    public static final String ERASED_NAME = "(erased)";

    /** What remains of a patient after erasure: the pseudonymous platform id, nothing that identifies them. */
    public static Patient erased(String patientId) {
        return new Patient(patientId, ERASED_SYSTEM, patientId, ERASED_NAME, null);
    }

    @JsonIgnore
    public boolean isErased() {
        return ERASED_SYSTEM.equals(identifierSystem);
    }
}

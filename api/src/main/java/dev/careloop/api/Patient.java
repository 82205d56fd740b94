package dev.careloop.api;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.UUID;

/**
 * the patient a referral, shared record or appointment is about, named by an identifier (system + value, such as the initiator's
 * medical record number). {@code patientId} is the platform's id for that identifier.
 */
public record Patient(String patientId, String identifierSystem, String identifierValue, String name,
                      LocalDate birthDate) {

    /** The same identifier always maps to the same platform patient id, on every machine, without a lookup. */
    public static String platformId(String identifierSystem, String identifierValue) {
        String key = identifierSystem.trim() + "|" + identifierValue.trim();
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
    }

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

    public static Patient of(String identifierSystem, String identifierValue, String name, LocalDate birthDate) {
        return new Patient(platformId(identifierSystem, identifierValue), identifierSystem.trim(),
                identifierValue.trim(), name, birthDate);
    }
}

package dev.careloop.api;

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

    public static Patient of(String identifierSystem, String identifierValue, String name, LocalDate birthDate) {
        return new Patient(platformId(identifierSystem, identifierValue), identifierSystem.trim(),
                identifierValue.trim(), name, birthDate);
    }
}

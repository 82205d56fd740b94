package dev.careloop.command.web;

import dev.careloop.api.Patient;
import dev.careloop.api.PatientIds;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Past;
import jakarta.validation.constraints.Size;

import java.time.LocalDate;

/** The patient as a write request names them: an identifier (system + value), name and birth date. */
public record PatientRequest(
        @NotBlank @Size(max = 255) String identifierSystem,
        @NotBlank @Size(max = 128) String identifierValue,
        @NotBlank @Size(max = 255) String name,
        @NotNull @Past LocalDate birthDate) {

    /** The patient, with the platform id {@code ids} gives their identifier. */
    public Patient toPatient(PatientIds ids) {
        return ids.patient(identifierSystem, identifierValue, name, birthDate);
    }
}

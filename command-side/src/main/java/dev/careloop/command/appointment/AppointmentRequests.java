package dev.careloop.command.appointment;

import dev.careloop.api.appointment.Slot;
import dev.careloop.api.Patient;
import dev.careloop.api.PatientIds;
import dev.careloop.command.web.PatientRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.time.Instant;
import java.util.List;

/** Request bodies of the appointment write API. */
final class AppointmentRequests {
    private AppointmentRequests() {
    }

    record SlotRequest(@NotNull Instant start, Instant end) {
        Slot toSlot() {
            return new Slot(start, end);
        }
    }

    /** For a referral's visit name the referral (its patient is taken from it); otherwise name the patient. */
    @PatientOrReferral
    record BookRequest(@Size(max = 64) String referralId, @Valid PatientRequest patient,
                       @NotNull @Valid SlotRequest slot, @Size(max = 255) String location,
                       @Size(max = 2000) String description) implements PatientOrReferral.ForWhom {
        Patient toPatient(PatientIds ids) {
            return patient == null ? null : patient.toPatient(ids);
        }
    }

    /** As {@link BookRequest}, with slots to choose from. */
    @PatientOrReferral
    record ProposeRequest(@Size(max = 64) String referralId, @Valid PatientRequest patient,
                          @NotEmpty @Size(max = 20) List<@NotNull @Valid SlotRequest> slots,
                          @Size(max = 255) String location, @Size(max = 2000) String description)
            implements PatientOrReferral.ForWhom {
        Patient toPatient(PatientIds ids) {
            return patient == null ? null : patient.toPatient(ids);
        }
    }

    record ConfirmSlotRequest(@NotNull Instant start) {
    }

    record RescheduleRequest(@NotNull @Valid SlotRequest slot, @Size(max = 255) String location,
                             @Size(max = 2000) String reason) {
    }

    record ReasonRequest(@NotBlank @Size(max = 2000) String reason) {
    }

    record HandOffRequest(@NotBlank @Size(max = 64) String toOrganisation, @NotBlank @Size(max = 2000) String reason) {
    }
}

package dev.careloop.api.appointment;

import dev.careloop.api.CarriesPatient;
import dev.careloop.api.ClinicalText;
import dev.careloop.api.Patient;

import java.util.Set;

/** A visit was booked (directly, or by confirming a proposed slot). */
public record AppointmentBooked(String appointmentId, String referralId, Patient patient, String performer,
                                Set<String> participants, Slot slot, String location,
                                @ClinicalText String description, AppointmentStatus status)
        implements AppointmentEvent, CarriesPatient {
}

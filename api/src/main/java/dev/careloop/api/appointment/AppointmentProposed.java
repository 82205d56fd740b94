package dev.careloop.api.appointment;

import dev.careloop.api.CarriesPatient;
import dev.careloop.api.ClinicalText;
import dev.careloop.api.Patient;

import java.util.List;
import java.util.Set;

/** Slots were offered; {@code participants} are the organisations that see the appointment. */
public record AppointmentProposed(String appointmentId, String referralId, Patient patient, String performer,
                                  Set<String> participants, List<Slot> slots, String location,
                                  @ClinicalText String description, AppointmentStatus status)
        implements AppointmentEvent, CarriesPatient {
}

package dev.careloop.api.appointment;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

/** Responsibility moved from one organisation to another; both keep seeing the appointment. */
public record AppointmentHandedOff(String appointmentId, String patientId, String referralId,
                                   String fromOrganisation, String toOrganisation, @ClinicalText String reason,
                                   AppointmentStatus status) implements AppointmentEvent, AboutPatient {
}

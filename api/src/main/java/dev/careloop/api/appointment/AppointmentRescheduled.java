package dev.careloop.api.appointment;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

/** A booked visit moved. */
public record AppointmentRescheduled(String appointmentId, String patientId, String referralId, Slot slot,
                                     String location, @ClinicalText String reason, AppointmentStatus status)
        implements AppointmentEvent, AboutPatient {
}

package dev.careloop.api.appointment;

/** The patient did not attend (FHIR noshow). */
public record PatientDidNotAttend(String appointmentId, String referralId, AppointmentStatus status)
        implements AppointmentEvent {
}

package dev.careloop.api.appointment;

/** The patient arrived. */
public record PatientArrived(String appointmentId, String referralId, AppointmentStatus status)
        implements AppointmentEvent {
}

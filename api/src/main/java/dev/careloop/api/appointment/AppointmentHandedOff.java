package dev.careloop.api.appointment;

/** Responsibility moved from one organisation to another; both keep seeing the appointment. */
public record AppointmentHandedOff(String appointmentId, String referralId, String fromOrganisation,
                                   String toOrganisation, String reason, AppointmentStatus status)
        implements AppointmentEvent {
}

package dev.careloop.api.appointment;

/** The visit took place. */
public record AppointmentFulfilled(String appointmentId, String referralId, AppointmentStatus status)
        implements AppointmentEvent {
}

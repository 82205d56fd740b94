package dev.careloop.api.appointment;

/** A booked visit moved. */
public record AppointmentRescheduled(String appointmentId, String referralId, Slot slot, String location,
                                     String reason, AppointmentStatus status) implements AppointmentEvent {
}

package dev.careloop.api.appointment;

import java.time.Instant;

/** The reminder before a booked appointment fell due (a persistent deadline). */
public record AppointmentReminderDue(String appointmentId, String referralId, Instant start, AppointmentStatus status)
        implements AppointmentEvent {
}

package dev.careloop.api.appointment;

/**
 * Ask for the current view of an appointment as {@code organisation} may see it, once its projection has
 * reached at least {@code minVersion} (0 for "whatever is there").
 */
public record FindAppointment(String appointmentId, String organisation, long minVersion) {
}

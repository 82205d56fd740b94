package dev.careloop.api.appointment;

/**
 * Ask for the current view of an appointment as {@code organisation} may see it, once its projection has handled log position
 * {@code position} (the newest event of a write; negative: at once) and shows at least {@code minVersion} (a write
 * whose last event a process manager appends after the answer).
 */
public record FindAppointment(String appointmentId, String organisation, long minVersion, long position) {
}

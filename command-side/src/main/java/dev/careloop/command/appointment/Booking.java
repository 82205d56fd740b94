package dev.careloop.command.appointment;

import dev.careloop.api.Patient;

import java.util.Set;

/** Who an appointment is for and who runs and sees it, as decided before it is created. */
record Booking(String referralId, Patient patient, String performer, Set<String> participants) {
}

package dev.careloop.api.appointment;

import dev.careloop.api.FreeText;
import dev.careloop.api.Patient;

/**
 * The performing organisation books a visit for a referral (patient taken from the referral) or, with no
 * referral, for a transition of care about {@code patient}.
 */
public record BookAppointment(String appointmentId, String referralId, Patient patient, Slot slot, String location,
                              @FreeText String description) {
}

package dev.careloop.api.appointment;

import dev.careloop.api.FreeText;
import dev.careloop.api.Patient;

import java.util.List;

/**
 * The performing organisation offers slots for a referral's visit (patient taken from the referral) or, with
 * no referral, for a transition of care about {@code patient}.
 */
public record ProposeAppointment(String appointmentId, String referralId, Patient patient, List<Slot> slots,
                                 String location, @FreeText String description) {
}

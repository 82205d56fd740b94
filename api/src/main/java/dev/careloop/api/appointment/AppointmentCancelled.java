package dev.careloop.api.appointment;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

/**
 * The appointment was cancelled. {@code byReferral} is true when the process manager cancelled it because
 * the referral moved on; such a cancellation is not echoed back to the referral.
 */
public record AppointmentCancelled(String appointmentId, String patientId, String referralId,
                                   @ClinicalText String reason, boolean byReferral, AppointmentStatus status)
        implements AppointmentEvent, AboutPatient {
}

package dev.careloop.api.referral;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

/** The referral's booked visit was moved (appointment version: see VisitScheduled). */
public record VisitRescheduled(String referralId, String patientId, String appointmentId, long appointmentVersion,
                               Appointment appointment, @ClinicalText String reason, ReferralStatus status)
        implements ReferralEvent, AboutPatient {
}

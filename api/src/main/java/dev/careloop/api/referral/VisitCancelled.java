package dev.careloop.api.referral;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

/** The referral's booked visit was cancelled; the referral stays open (appointment version: see VisitScheduled). */
public record VisitCancelled(String referralId, String patientId, String appointmentId, long appointmentVersion,
                             @ClinicalText String reason, ReferralStatus status)
        implements ReferralEvent, AboutPatient {
}

package dev.careloop.api.referral;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

/** The recipient asked the initiator for information; the referral is on hold. */
public record InformationRequested(String referralId, String patientId, @ClinicalText String question,
                                   ReferralStatus status) implements ReferralEvent, AboutPatient {
}

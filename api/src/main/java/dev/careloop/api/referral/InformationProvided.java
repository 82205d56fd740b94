package dev.careloop.api.referral;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

/** The initiator answered; the referral resumed in {@code status}. */
public record InformationProvided(String referralId, String patientId, @ClinicalText String answer,
                                  ReferralStatus status) implements ReferralEvent, AboutPatient {
}

package dev.careloop.api.referral;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

/** The recipient declined the referral. */
public record ReferralDeclined(String referralId, String patientId, @ClinicalText String reason,
                               ReferralStatus status) implements ReferralEvent, AboutPatient {
}

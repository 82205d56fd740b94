package dev.careloop.api.referral;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

/** The referral was handed to another organisation, now its recipient. */
public record ReferralForwarded(String referralId, String patientId, String fromOrganisation,
                                String toOrganisation, @ClinicalText String reason, ReferralStatus status)
        implements ReferralEvent, AboutPatient {
}

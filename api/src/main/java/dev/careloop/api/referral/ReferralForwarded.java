package dev.careloop.api.referral;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

/**
 * The referral was handed to another organisation, now its recipient. {@code category}: the {@link ReasonCategory}
 * code, null when none was given (and in events written before categories).
 */
public record ReferralForwarded(String referralId, String patientId, String fromOrganisation,
                                String toOrganisation, @ClinicalText String reason, ReferralStatus status,
                                String category)
        implements ReferralEvent, AboutPatient {

    public ReferralForwarded(String referralId, String patientId, String fromOrganisation, String toOrganisation,
                             String reason, ReferralStatus status) {
        this(referralId, patientId, fromOrganisation, toOrganisation, reason, status, null);
    }
}

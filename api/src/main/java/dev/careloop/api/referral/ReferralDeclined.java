package dev.careloop.api.referral;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

/**
 * The recipient declined the referral. {@code category}: the {@link ReasonCategory} code, null when none was given
 * (and in events written before categories).
 */
public record ReferralDeclined(String referralId, String patientId, @ClinicalText String reason,
                               ReferralStatus status, String category) implements ReferralEvent, AboutPatient {

    public ReferralDeclined(String referralId, String patientId, String reason, ReferralStatus status) {
        this(referralId, patientId, reason, status, null);
    }
}

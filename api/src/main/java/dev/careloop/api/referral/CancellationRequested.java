package dev.careloop.api.referral;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

/** The initiator asked for cancellation. */
public record CancellationRequested(String referralId, String patientId, @ClinicalText String reason,
                                    ReferralStatus status) implements ReferralEvent, AboutPatient {
}

package dev.careloop.api.referral;

import dev.careloop.api.CarriesPatient;
import dev.careloop.api.ClinicalText;
import dev.careloop.api.Patient;

import java.time.Instant;

/** A referral was sent (or opened as a refer-back, then {@code basedOnReferralId} names the original). */
public record ReferralSent(String referralId, String referralNumber, String identifierSystem,
                           String initiatorOrganisation, String recipientOrganisation, Patient patient,
                           Priority priority, String service, @ClinicalText String reason,
                           @ClinicalText String note, Instant slaDueAt, String basedOnReferralId,
                           ReferralStatus status) implements ReferralEvent, CarriesPatient {
}

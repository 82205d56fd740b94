package dev.careloop.api.referral;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;
import dev.careloop.api.record.DocumentType;

/** A shared record was attached to the referral; the referral's status does not change. */
public record RecordAttached(String referralId, String patientId, String recordId, @ClinicalText String title,
                             DocumentType documentType, ReferralStatus status) implements ReferralEvent, AboutPatient {
}

package dev.careloop.api.record;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

/**
 * {@code organisation}'s access ended: the sharing clinic withdrew it ({@code referralId} null), or the referral the
 * record is attached to ({@code referralId}) was forwarded away from {@code organisation}.
 */
public record RecordAccessRevoked(String recordId, String patientId, String organisation,
                                  @ClinicalText String reason, String referralId) implements RecordEvent, AboutPatient {

    /** Withdrawn by the sharing clinic. */
    public RecordAccessRevoked(String recordId, String patientId, String organisation, String reason) {
        this(recordId, patientId, organisation, reason, null);
    }
}

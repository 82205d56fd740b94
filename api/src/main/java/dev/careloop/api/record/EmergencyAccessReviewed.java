package dev.careloop.api.record;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

/** A compliance officer of the record's owner reviewed emergency access {@code accessId}, with a note. */
public record EmergencyAccessReviewed(String recordId, String patientId, String accessId, String reviewer,
                                      @ClinicalText String note) implements RecordEvent, AboutPatient {
}

package dev.careloop.api.record;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

/** The sharing clinic withdrew {@code organisation}'s access. */
public record RecordAccessRevoked(String recordId, String patientId, String organisation,
                                  @ClinicalText String reason) implements RecordEvent, AboutPatient {
}

package dev.careloop.api.record;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

/** A new version of the record's document; the earlier versions stay readable by number. */
public record RecordAmended(String recordId, String patientId, int version, RecordContent content,
                            @ClinicalText String title, @ClinicalText String description,
                            @ClinicalText String reason) implements RecordEvent, AboutPatient {
}

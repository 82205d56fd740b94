package dev.careloop.api.record;

import dev.careloop.api.CarriesPatient;
import dev.careloop.api.ClinicalText;
import dev.careloop.api.Patient;

import java.time.Instant;
import java.util.Set;

/** A record was shared: version 1 of its content, with {@code recipients} for {@code purpose} until {@code validUntil}. */
public record RecordShared(String recordId, String referralId, String authorOrganisation, Patient patient,
                           Set<String> recipients, DocumentType documentType, @ClinicalText String title,
                           @ClinicalText String description, RecordContent content, String purpose,
                           Instant validUntil) implements RecordEvent, CarriesPatient {

    public RecordShared {
        recipients = recipients == null ? Set.of() : Set.copyOf(recipients);
    }
}

package dev.careloop.api.record;

import dev.careloop.api.CarriesPatient;
import dev.careloop.api.ClinicalText;
import dev.careloop.api.Patient;

import java.time.Instant;
import java.util.Set;

/**
 * A record was shared: version 1 of its content, with {@code recipients} for {@code purpose} (and the other
 * {@code purposes} it allows; an event written before the list allows its one purpose) until {@code validUntil}.
 */
public record RecordShared(String recordId, String referralId, String authorOrganisation, Patient patient,
                           Set<String> recipients, DocumentType documentType, @ClinicalText String title,
                           @ClinicalText String description, RecordContent content, String purpose,
                           Instant validUntil, Set<String> purposes) implements RecordEvent, CarriesPatient {

    public RecordShared {
        recipients = recipients == null ? Set.of() : Set.copyOf(recipients);
        purposes = allowed(purpose, purposes);
    }

    public RecordShared(String recordId, String referralId, String authorOrganisation, Patient patient,
                        Set<String> recipients, DocumentType documentType, String title, String description,
                        RecordContent content, String purpose, Instant validUntil) {
        this(recordId, referralId, authorOrganisation, patient, recipients, documentType, title, description, content,
                purpose, validUntil, null);
    }

    /** The purposes a grant allows: the share's purpose and any others it named (events before the list: one). */
    static Set<String> allowed(String purpose, Set<String> purposes) {
        Set<String> all = new java.util.TreeSet<>();
        if (purposes != null) {
            all.addAll(purposes);
        }
        if (purpose != null) {
            all.add(purpose);
        }
        return java.util.Collections.unmodifiableSet(all);
    }
}

package dev.careloop.api.record;

import dev.careloop.api.FreeText;
import dev.careloop.api.Patient;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.Set;

/**
 * A clinic shares a clinical document about a patient with other organisations for a purpose (a PurposeOfUse
 * code, and any other {@code purposes} the recipients may read it for) until {@code validUntil}. With a {@code referralId} the record is attached to that referral, the
 * referral's other party becomes a recipient, and {@code patient} may be null (the referral's patient).
 */
public record ShareRecord(@TargetAggregateIdentifier String recordId, String referralId, Patient patient,
                          Set<String> recipients, DocumentType documentType, @FreeText String title,
                          @FreeText String description, RecordContent content, String purpose, Instant validUntil,
                          Set<String> purposes) {

    public ShareRecord {
        recipients = recipients == null ? Set.of() : Set.copyOf(recipients);
        purposes = RecordShared.allowed(purpose, purposes);
    }

    /** A share for one purpose. */
    public ShareRecord(String recordId, String referralId, Patient patient, Set<String> recipients,
                       DocumentType documentType, String title, String description, RecordContent content,
                       String purpose, Instant validUntil) {
        this(recordId, referralId, patient, recipients, documentType, title, description, content, purpose,
                validUntil, null);
    }
}

package dev.careloop.api.referral;

import dev.careloop.api.FreeText;
import dev.careloop.api.Patient;
import dev.careloop.api.record.DocumentType;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Sent by the record side while it shares a record that names this referral, never by a client: the referral
 * records the attachment (or refuses it, and then the record is not shared either). {@code patient} is who the
 * record says it is about, or null for the referral's patient. Answered with the {@link Attachment}.
 */
public record AttachRecord(@TargetAggregateIdentifier String referralId, String recordId, @FreeText String title,
                           DocumentType documentType, Patient patient) {

    /** Who else gets the record (the referral's other party), and the patient it is about. */
    public record Attachment(String counterpart, Patient patient) {
    }
}

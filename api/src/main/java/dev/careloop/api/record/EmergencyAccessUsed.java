package dev.careloop.api.record;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;

import java.time.Instant;

/**
 * Break-the-glass: a clinician of {@code organisation} read version {@code version} of a record outside its
 * consent, stating an emergency (ETREAT) and {@code justification}. Recorded with the disclosure, before any
 * byte leaves; the record's owner ({@code ownerOrganisation}) and its compliance officers review it
 * ({@link EmergencyAccessReviewed}). {@code accessId} names this access for the review.
 */
public record EmergencyAccessUsed(String recordId, String patientId, String accessId, String ownerOrganisation,
                                  String organisation, String userId, int version,
                                  @ClinicalText String justification, Instant at)
        implements RecordEvent, AboutPatient {
}

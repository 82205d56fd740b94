package dev.careloop.api.record;

import dev.careloop.api.AboutPatient;

/**
 * {@code organisation} was given access to a record after it was shared: the referral the record is attached to
 * ({@code referralId}) was forwarded to it, and the referral's documents travel with it; or, with no
 * {@code referralId}, the sharing clinic shared it with one more organisation ({@link GrantRecordAccess}). The grant
 * allows what the share allows (its purposes, until its validUntil).
 */
public record RecordAccessGranted(String recordId, String patientId, String organisation, String referralId,
                                  String reason) implements RecordEvent, AboutPatient {
}

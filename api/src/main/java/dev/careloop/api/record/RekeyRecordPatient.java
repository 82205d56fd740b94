package dev.careloop.api.record;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Names the shared record's patient by the keyed platform id from now on, if its patient is still named by
 * {@code oldPatientId}; otherwise changes nothing (so the migration may send it again). Sent by the patient-id
 * migration only, never by a client.
 */
public record RekeyRecordPatient(@TargetAggregateIdentifier String recordId, String oldPatientId, String newPatientId) {
}

package dev.careloop.api.appointment;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Names the appointment's patient by the keyed platform id from now on, if its patient is still named by
 * {@code oldPatientId}; otherwise changes nothing (so the migration may send it again). Sent by the patient-id
 * migration only, never by a client.
 */
public record RekeyAppointmentPatient(@TargetAggregateIdentifier String appointmentId, String oldPatientId, String newPatientId) {
}

package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Names the referral's patient by the keyed platform id from now on, if its patient is still named by
 * {@code oldPatientId}; otherwise changes nothing (so the migration may send it again). Sent by the patient-id
 * migration only, never by a client.
 */
public record RekeyReferralPatient(@TargetAggregateIdentifier String referralId, String oldPatientId, String newPatientId) {
}

package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Sent by the process manager when the patient did not attend the referral's appointment. */
public record RecordNoShow(@TargetAggregateIdentifier String referralId, String appointmentId,
                           long appointmentVersion) {
}

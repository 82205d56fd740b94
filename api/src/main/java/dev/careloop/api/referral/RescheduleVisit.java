package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Sent by the process manager when the referral's appointment moved. */
public record RescheduleVisit(@TargetAggregateIdentifier String referralId, String appointmentId,
                              long appointmentVersion, Appointment appointment, String reason) {
}

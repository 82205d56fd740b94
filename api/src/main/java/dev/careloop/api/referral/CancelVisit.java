package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Sent by the process manager when the referral's appointment was cancelled (the referral stays open). */
public record CancelVisit(@TargetAggregateIdentifier String referralId, String appointmentId,
                          long appointmentVersion, String reason) {
}

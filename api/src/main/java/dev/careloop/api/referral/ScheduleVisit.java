package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The receiving organisation books the referral's visit: appointment {@code appointmentId} is created, and the
 * referral becomes scheduled once the process manager has followed it.
 */
public record ScheduleVisit(@TargetAggregateIdentifier String referralId, String appointmentId,
                            Appointment appointment) {
}

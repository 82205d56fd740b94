package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The receiving organisation books the visit; {@code appointmentId} names the appointment from then on.
 * ({@code appointmentVersion} is for the appointment process manager still to come; 0 until then.)
 */
public record ScheduleVisit(@TargetAggregateIdentifier String referralId, String appointmentId,
                            long appointmentVersion, Appointment appointment) {
}

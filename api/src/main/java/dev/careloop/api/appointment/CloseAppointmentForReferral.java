package dev.careloop.api.appointment;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Sent by the process manager, never by a client: the referral was completed with its consult report at
 * {@code completedAt}. A visit that had begun by then took place (fulfilled); one still ahead is no longer needed
 * (cancelled, marked {@code byReferral}). An appointment that is already over is left as it is.
 */
public record CloseAppointmentForReferral(@TargetAggregateIdentifier String appointmentId, Instant completedAt) {
}

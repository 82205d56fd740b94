package dev.careloop.api.appointment;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Cancel a proposed or booked appointment, with the reason. */
public record CancelAppointment(@TargetAggregateIdentifier String appointmentId, String reason) {
}

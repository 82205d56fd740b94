package dev.careloop.api.appointment;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Cancel a proposed or booked appointment, with the reason. */
public record CancelAppointment(@TargetAggregateIdentifier String appointmentId, @FreeText String reason) {
}

package dev.careloop.api.appointment;

import dev.careloop.api.ClinicalText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Cancel a proposed or booked appointment, with the reason. */
public record CancelAppointment(@TargetAggregateIdentifier String appointmentId, @ClinicalText String reason) {
}

package dev.careloop.api.appointment;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** One of the proposed slots is taken: the appointment is booked. */
public record ConfirmSlot(@TargetAggregateIdentifier String appointmentId, Instant start) {
}

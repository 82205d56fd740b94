package dev.careloop.api.appointment;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The patient has arrived for a booked appointment. */
public record MarkArrived(@TargetAggregateIdentifier String appointmentId) {
}

package dev.careloop.api.appointment;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The patient did not attend a booked appointment. */
public record MarkNoShow(@TargetAggregateIdentifier String appointmentId) {
}

package dev.careloop.api.appointment;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The visit took place. */
public record MarkFulfilled(@TargetAggregateIdentifier String appointmentId) {
}

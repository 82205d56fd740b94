package dev.careloop.api.appointment;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Move a booked appointment; a null location keeps the current one. */
public record RescheduleAppointment(@TargetAggregateIdentifier String appointmentId, Slot slot, String location,
                                    String reason) {
}

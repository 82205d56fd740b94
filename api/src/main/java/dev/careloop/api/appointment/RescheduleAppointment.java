package dev.careloop.api.appointment;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Move a booked appointment; a null location keeps the current one. */
public record RescheduleAppointment(@TargetAggregateIdentifier String appointmentId, Slot slot, String location,
                                    @FreeText String reason) {
}

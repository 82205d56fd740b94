package dev.careloop.api.appointment;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Responsibility for the appointment moves to another organisation (a transition of care). */
public record HandOffAppointment(@TargetAggregateIdentifier String appointmentId, String toOrganisation,
                                 @FreeText String reason) {
}

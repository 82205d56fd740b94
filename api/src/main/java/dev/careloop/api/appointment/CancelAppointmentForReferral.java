package dev.careloop.api.appointment;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Sent by the process manager, never by a client: the referral no longer wants this appointment (it was
 * declined, cancelled or forwarded, or already had one). Cancelling an appointment that is already over
 * changes nothing, so redelivery is harmless.
 */
public record CancelAppointmentForReferral(@TargetAggregateIdentifier String appointmentId,
                                           @FreeText String reason) {
}

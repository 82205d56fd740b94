package dev.careloop.api.referral;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving organisation moves the referral's booked visit (it reschedules the referral's appointment). */
public record RescheduleVisit(@TargetAggregateIdentifier String referralId, Appointment appointment,
                              @FreeText String reason) {
}

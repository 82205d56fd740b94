package dev.careloop.api.referral;

import dev.careloop.api.FreeText;
import dev.careloop.api.Patient;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
/** The initiating clinic sends a referral to another organisation; the SLA due time comes from the priority. */
public record SendReferral(@TargetAggregateIdentifier String referralId, String referralNumber,
                           String recipientOrganisation, Patient patient, Priority priority, String service,
                           @FreeText String reason, @FreeText String note, Instant slaDueAt) {
}

package dev.careloop.api.referral;

import dev.careloop.api.ClinicalText;
import dev.careloop.api.Patient;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
/** The initiating clinic sends a referral to another organisation; the SLA due time comes from the priority. */
public record SendReferral(@TargetAggregateIdentifier String referralId, String referralNumber,
                           String recipientOrganisation, Patient patient, Priority priority, String service,
                           @ClinicalText String reason, @ClinicalText String note, Instant slaDueAt) {
}

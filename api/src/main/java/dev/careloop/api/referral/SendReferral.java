package dev.careloop.api.referral;

import dev.careloop.api.FreeText;
import dev.careloop.api.Patient;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
/**
 * The initiating clinic sends a referral to another organisation; the SLA due time comes from the priority.
 * {@code identifierSystem}: the system of the sender's own referral number as its EHR sent it (FHIR), or null for
 * CareLoop's system of the sending organisation ({@link ReferralIdentifiers#systemFor}).
 */
public record SendReferral(@TargetAggregateIdentifier String referralId, String referralNumber,
                           String recipientOrganisation, Patient patient, Priority priority, String service,
                           @FreeText String reason, @FreeText String note, Instant slaDueAt, String identifierSystem) {

    /** A referral numbered in CareLoop's system of the sending organisation. */
    public SendReferral(String referralId, String referralNumber, String recipientOrganisation, Patient patient,
                        Priority priority, String service, String reason, String note, Instant slaDueAt) {
        this(referralId, referralNumber, recipientOrganisation, patient, priority, service, reason, note, slaDueAt,
                null);
    }
}

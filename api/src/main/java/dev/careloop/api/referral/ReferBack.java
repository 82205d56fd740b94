package dev.careloop.api.referral;

import dev.careloop.api.ClinicalText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
/** The receiving organisation opens a new referral back to the initiator, linked to this one. */
public record ReferBack(@TargetAggregateIdentifier String referralId, String newReferralId, String referralNumber,
                        Priority priority, String service, @ClinicalText String reason, @ClinicalText String note,
                        Instant slaDueAt) {
}

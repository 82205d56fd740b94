package dev.careloop.api.referral;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
/** The receiving organisation opens a new referral back to the initiator, linked to this one. */
public record ReferBack(@TargetAggregateIdentifier String referralId, String newReferralId, String referralNumber,
                        Priority priority, String service, @FreeText String reason, @FreeText String note,
                        Instant slaDueAt) {
}

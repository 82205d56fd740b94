package dev.careloop.api.referral;

import dev.careloop.api.ClinicalText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The initiator asks for the referral to be cancelled. */
public record RequestCancellation(@TargetAggregateIdentifier String referralId, @ClinicalText String reason) {
}

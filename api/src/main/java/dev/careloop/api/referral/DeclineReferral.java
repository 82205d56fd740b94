package dev.careloop.api.referral;

import dev.careloop.api.ClinicalText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving organisation declines the referral, with a reason. */
public record DeclineReferral(@TargetAggregateIdentifier String referralId, @ClinicalText String reason) {
}

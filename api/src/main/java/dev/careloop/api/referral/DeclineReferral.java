package dev.careloop.api.referral;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving organisation declines the referral, with a reason. */
public record DeclineReferral(@TargetAggregateIdentifier String referralId, @FreeText String reason) {
}

package dev.careloop.api.referral;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving organisation declines the referral, with a reason and optionally its {@link ReasonCategory} code. */
public record DeclineReferral(@TargetAggregateIdentifier String referralId, @FreeText String reason,
                              String category) {

    public DeclineReferral(String referralId, String reason) {
        this(referralId, reason, null);
    }
}

package dev.careloop.api.referral;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The receiving organisation hands the referral to another organisation, which becomes the recipient; optionally
 * with the reason's {@link ReasonCategory} code.
 */
public record ForwardReferral(@TargetAggregateIdentifier String referralId, String toOrganisation,
                              @FreeText String reason, String category) {

    public ForwardReferral(String referralId, String toOrganisation, String reason) {
        this(referralId, toOrganisation, reason, null);
    }
}

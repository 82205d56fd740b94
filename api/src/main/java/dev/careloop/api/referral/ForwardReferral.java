package dev.careloop.api.referral;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving organisation hands the referral to another organisation, which becomes the recipient. */
public record ForwardReferral(@TargetAggregateIdentifier String referralId, String toOrganisation,
                              @FreeText String reason) {
}

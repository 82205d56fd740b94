package dev.careloop.api.referral;

import dev.careloop.api.ClinicalText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving organisation hands the referral to another organisation, which becomes the recipient. */
public record ForwardReferral(@TargetAggregateIdentifier String referralId, String toOrganisation,
                              @ClinicalText String reason) {
}

package dev.careloop.api.referral;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The initiator answers the open question; the referral resumes where it was. */
public record ProvideInformation(@TargetAggregateIdentifier String referralId, @FreeText String answer) {
}

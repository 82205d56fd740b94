package dev.careloop.api.referral;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving organisation asks the initiator a question; the referral is on hold until answered. */
public record RequestInformation(@TargetAggregateIdentifier String referralId, @FreeText String question) {
}

package dev.careloop.api.referral;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;

/**
 * Sent by the handler of {@link ForwardReferral}, never by a client: the referral checks the forward as its own step
 * and records it. Answered with what the record side needs to move the referral's documents with it in the same
 * transaction.
 */
public record HandReferralOn(@TargetAggregateIdentifier String referralId, String toOrganisation,
                             @FreeText String reason, String category) {

    public HandReferralOn(String referralId, String toOrganisation, String reason) {
        this(referralId, toOrganisation, reason, null);
    }

    /** The referral's new version, who handed it on, to whom, and the records attached to it. */
    public record HandedOn(long version, String from, String to, List<String> attachedRecords) {
    }
}

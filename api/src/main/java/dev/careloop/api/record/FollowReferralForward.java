package dev.careloop.api.record;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Sent by the handler of a referral's forward, never by a client: the referral this record is attached to went from
 * organisation {@code from} to organisation {@code to}, and the record's access follows it in the same transaction.
 */
public record FollowReferralForward(@TargetAggregateIdentifier String recordId, String referralId, String from,
                                    String to) {
}

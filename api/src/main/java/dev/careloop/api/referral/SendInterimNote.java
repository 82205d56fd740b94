package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The receiving clinician sends an interim consult note. */
public record SendInterimNote(@TargetAggregateIdentifier String referralId, String note) {
}

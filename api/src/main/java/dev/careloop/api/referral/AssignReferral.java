package dev.careloop.api.referral;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The receiving organisation gives the referral to one of its clinicians: {@code assignee} is the person's subject
 * (the login's {@code sub}), {@code assigneeName} how people see them ("Dr Priya Shah").
 */
public record AssignReferral(@TargetAggregateIdentifier String referralId, String assignee,
                             String assigneeName) {
}

package dev.careloop.api.referral;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;

/** The receiving clinician returns the outcome (consult report), optionally with records attached to the referral. */
public record SendOutcome(@TargetAggregateIdentifier String referralId, @FreeText String report,
                          List<String> recordIds) {

    public SendOutcome {
        recordIds = recordIds == null ? List.of() : List.copyOf(recordIds);
    }

    public SendOutcome(String referralId, String report) {
        this(referralId, report, List.of());
    }
}

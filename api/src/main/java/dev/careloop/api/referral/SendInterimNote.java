package dev.careloop.api.referral;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;

/** The receiving clinician sends an interim consult note, optionally pointing at records attached to the referral. */
public record SendInterimNote(@TargetAggregateIdentifier String referralId, @FreeText String note,
                              List<String> recordIds) {

    public SendInterimNote {
        recordIds = recordIds == null ? List.of() : List.copyOf(recordIds);
    }

    public SendInterimNote(String referralId, String note) {
        this(referralId, note, List.of());
    }
}

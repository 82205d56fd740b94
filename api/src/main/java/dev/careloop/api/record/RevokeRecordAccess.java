package dev.careloop.api.record;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The sharing clinic withdraws one recipient organisation's access. */
public record RevokeRecordAccess(@TargetAggregateIdentifier String recordId, String organisation,
                                 @FreeText String reason) {
}

package dev.careloop.api.record;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The sharing clinic shares a record it already shared with one more organisation, on the share's terms (its
 * purposes, until its validUntil), or gives back access it had withdrawn.
 */
public record GrantRecordAccess(@TargetAggregateIdentifier String recordId, String organisation,
                                @FreeText String reason) {
}

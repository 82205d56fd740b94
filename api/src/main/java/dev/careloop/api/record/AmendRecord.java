package dev.careloop.api.record;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The sharing clinic replaces the document with a new version; earlier versions are kept. A null
 * {@code title} or {@code description} keeps the current one.
 */
public record AmendRecord(@TargetAggregateIdentifier String recordId, RecordContent content, @FreeText String title,
                          @FreeText String description, @FreeText String reason) {
}

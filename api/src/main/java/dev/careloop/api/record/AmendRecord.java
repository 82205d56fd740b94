package dev.careloop.api.record;

import dev.careloop.api.ClinicalText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The sharing clinic replaces the document with a new version; earlier versions are kept. A null
 * {@code title} or {@code description} keeps the current one.
 */
public record AmendRecord(@TargetAggregateIdentifier String recordId, RecordContent content, @ClinicalText String title,
                          @ClinicalText String description, @ClinicalText String reason) {
}

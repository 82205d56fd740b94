package dev.careloop.api.record;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The owner's compliance officer marks an emergency access to its record reviewed. */
public record ReviewEmergencyAccess(@TargetAggregateIdentifier String recordId, String accessId,
                                    @FreeText String note) {
}

package dev.careloop.api.record;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Someone asks for the content of a record (a version, or the current one when {@code version} is null) at
 * {@code at}: consent is decided now, and a disclosure is recorded before any byte leaves.
 */
public record DiscloseRecord(@TargetAggregateIdentifier String recordId, Integer version, String purposeOfUse,
                             Instant at) {
}

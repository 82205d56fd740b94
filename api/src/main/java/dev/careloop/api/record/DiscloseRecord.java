package dev.careloop.api.record;

import dev.careloop.api.FreeText;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Someone asks for the content of a record (a version, or the current one when {@code version} is null) at
 * {@code at} for {@code purposeOfUse}: consent is decided now (AccessPolicy), and a disclosure is recorded before
 * any byte leaves. {@code emergencyJustification} is the free text of a break-the-glass read (ETREAT), else null.
 */
public record DiscloseRecord(@TargetAggregateIdentifier String recordId, Integer version, String purposeOfUse,
                             Instant at, @FreeText String emergencyJustification) {

    public DiscloseRecord(String recordId, Integer version, String purposeOfUse, Instant at) {
        this(recordId, version, purposeOfUse, at, null);
    }
}

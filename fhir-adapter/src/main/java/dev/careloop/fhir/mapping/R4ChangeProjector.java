package dev.careloop.fhir.mapping;

import ca.uhn.fhir.context.FhirContext;
import dev.careloop.api.record.RecordAccessDenied;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The log as HAPI R4 resources. Each call folds the history it is given from the first event (the mappings keep
 * no state between calls), so it is thread-safe, and the same history always gives the same resources.
 */
@Component
public class R4ChangeProjector implements ChangeProjector {

    private static final FhirContext CONTEXT = keepingReferenceVersions(FhirContext.forR4Cached());

    /**
     * The one FhirContext of the adapter (HAPI's cached R4 context: building one is expensive). Encode what this
     * projector makes with it: its parsers keep the versions in references ({@code Task/r-1/_history/3} in
     * Provenance.target), which HAPI's default options strip.
     */
    public static FhirContext fhirContext() {
        return CONTEXT;
    }

    private static FhirContext keepingReferenceVersions(FhirContext context) {
        context.getParserOptions().setStripVersionsFromReferences(false);
        return context;
    }

    @Override
    public FhirChange project(List<? extends DomainEventMessage<?>> history) {
        if (history == null || history.isEmpty()) {
            throw new IllegalArgumentException("no events to project");
        }
        DomainEventMessage<?> first = history.get(0);
        List<Step> steps = new ArrayList<>(history.size());
        for (int i = 0; i < history.size(); i++) {
            DomainEventMessage<?> message = history.get(i);
            if (message.getSequenceNumber() != i || !message.getAggregateIdentifier().equals(first.getAggregateIdentifier())
                    || !message.getType().equals(first.getType())) {
                throw new IllegalArgumentException("not one aggregate's history from its first event: event " + i
                        + " is " + message.getType() + " " + message.getAggregateIdentifier() + " #"
                        + message.getSequenceNumber());
            }
            steps.add(Step.of(message));
        }
        return mapping(first.getType()).apply(steps);
    }

    /**
     * The AuditEvent for a read that consent refused. {@code message} carries a {@link RecordAccessDenied}, stored
     * without an aggregate; the AuditEvent's id is the message's id.
     */
    public AuditEvent accessDenied(EventMessage<?> message) {
        if (!(message.getPayload() instanceof RecordAccessDenied denied)) {
            throw new IllegalArgumentException("not a RecordAccessDenied: " + message.getPayloadType().getName());
        }
        return AuditEvents.denial(message.getIdentifier(), message.getTimestamp(), Acting.of(message.getMetaData()),
                denied);
    }

    /**
     * Whether events of {@code aggregateType} become FHIR changes (referrals, shared records, appointments); a
     * partnership goal, say, does not.
     */
    public static boolean maps(String aggregateType) {
        return ReferralMapping.AGGREGATE_TYPE.equals(aggregateType)
                || SharedRecordMapping.AGGREGATE_TYPE.equals(aggregateType)
                || AppointmentMapping.AGGREGATE_TYPE.equals(aggregateType);
    }

    private static Function<List<Step>, FhirChange> mapping(String aggregateType) {
        return switch (aggregateType) {
            case ReferralMapping.AGGREGATE_TYPE -> ReferralMapping::project;
            case SharedRecordMapping.AGGREGATE_TYPE -> SharedRecordMapping::project;
            case AppointmentMapping.AGGREGATE_TYPE -> AppointmentMapping::project;
            default -> throw new IllegalArgumentException("no FHIR mapping for aggregate type " + aggregateType);
        };
    }
}

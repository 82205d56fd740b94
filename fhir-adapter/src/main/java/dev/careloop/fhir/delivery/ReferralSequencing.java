package dev.careloop.fhir.delivery;

import dev.careloop.fhir.mapping.R4ChangeProjector;
import dev.careloop.fhir.log.LoggedChanges;
import dev.careloop.fhir.mapping.FhirChange;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.async.SequencingPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Changes of one referral reach a partner one after the other, in the order of the log; changes of different
 * referrals may pass each other. An aggregate's sequence is the referral of its first change
 * ({@link FhirChange#referralId()}), else the aggregate itself: it is fixed for the aggregate's life, so its own
 * events never reorder, and a shared record or appointment of a referral queues behind that referral.
 */
@Component
class ReferralSequencing implements SequencingPolicy<EventMessage<?>> {

    private static final Logger log = LoggerFactory.getLogger(ReferralSequencing.class);
    private static final int REMEMBERED = 50_000;

    private final LoggedChanges changes;
    private final Map<String, String> sequenceOfAggregate = Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > REMEMBERED;
                }
            });

    ReferralSequencing(LoggedChanges changes) {
        this.changes = changes;
    }

    @Override
    public Object getSequenceIdentifierFor(EventMessage<?> event) {
        if (!(event instanceof DomainEventMessage<?> domain)) {
            return event.getIdentifier();
        }
        if (!R4ChangeProjector.maps(domain.getType())) {
            // No FHIR form (a partnership goal): nothing to deliver, ordered by its own aggregate.
            return domain.getAggregateIdentifier();
        }
        String aggregateId = domain.getAggregateIdentifier();
        String known = sequenceOfAggregate.get(aggregateId);
        if (known != null) {
            return known;
        }
        FhirChange first;
        try {
            first = changes.madeBy(aggregateId, 0);
        } catch (RuntimeException e) {
            // The delivery of the event itself fails the same way and is dead-lettered; order by aggregate.
            log.warn("No FHIR change for the first event of aggregate {}; its changes are ordered on their own",
                    aggregateId, e);
            return aggregateId;
        }
        String sequence = first.referralId() != null ? first.referralId() : aggregateId;
        sequenceOfAggregate.put(aggregateId, sequence);
        return sequence;
    }
}

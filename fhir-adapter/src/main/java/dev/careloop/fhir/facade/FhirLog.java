package dev.careloop.fhir.facade;

import dev.careloop.api.access.AccessDecision;
import dev.careloop.api.access.AccessPolicy;
import dev.careloop.api.access.Relationship;
import dev.careloop.fhir.log.LoggedChanges;
import dev.careloop.fhir.mapping.ChangeProjector;
import dev.careloop.fhir.mapping.FhirChange;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The facade's resources read from the log itself: the aggregate's events from the event store, projected. The
 * resource after change n is the projection of the first n events, so read, vread and _history need no copy of
 * any resource, and what a partner reads right after writing is already there.
 * <p>
 * Who may see a resource: the organisations of the aggregate's last change that changed something (a disclosure
 * changes nothing and is seen only by the author and the reader), for every version of it; an AuditEvent, by
 * the organisations of its own change. A referral's former recipient ({@link AccessPolicy#referralRead}: as it
 * was when it left) sees the versions up to the last change it was party to, and nothing after. Anyone else is
 * told it does not exist.
 */
@Component
public class FhirLog {

    /** The aggregate types the mapping knows (R4ChangeProjector). */
    static final Set<String> AGGREGATE_TYPES = Set.of("Referral", "SharedRecord", "AppointmentHandoff");

    private final LoggedChanges changes;
    private final ChangeProjector projector;

    public FhirLog(EventStore eventStore, ChangeProjector projector) {
        this.changes = new LoggedChanges(eventStore, projector);
        this.projector = projector;
    }

    /** The current version of a resource, if {@code organisation} may see it. */
    public Optional<Resource> read(String resourceType, String id, String organisation) {
        return open(resourceType, id, organisation).flatMap(Aggregate::current);
    }

    /** Version {@code version} of a resource, if it exists and {@code organisation} may see the resource. */
    public Optional<Resource> vread(String resourceType, String id, long version, String organisation) {
        return open(resourceType, id, organisation).flatMap(a -> a.version(version));
    }

    /** Every version of a resource, newest first; empty when it does not exist or may not be seen. */
    public List<Resource> history(String resourceType, String id, String organisation) {
        return open(resourceType, id, organisation).map(Aggregate::versions).orElse(List.of());
    }

    /**
     * The change made by event {@code sequenceNumber} of an aggregate: the index projects this for each event, reading
     * each aggregate's history once per batch ({@link LoggedChanges#madeByInBatch}).
     */
    public FhirChange change(String aggregateId, long sequenceNumber) {
        return changes.madeByInBatch(aggregateId, sequenceNumber);
    }

    private Optional<Aggregate> open(String resourceType, String id, String organisation) {
        ResourceKind kind = ResourceKind.of(resourceType);
        if (kind == null || id == null || id.isBlank()) {
            return Optional.empty();
        }
        ResourceKind.Location location = kind.locate(id);
        if (location == null) {
            return Optional.empty();
        }
        List<DomainEventMessage<?>> events = changes.history(location.aggregateId(), Long.MAX_VALUE);
        if (events.isEmpty() || !kind.fromAggregate(events.get(0).getType())
                || (location.version() != null && location.version() > events.size())) {
            return Optional.empty();
        }
        Aggregate aggregate = new Aggregate(resourceType, id, location.version(), events);
        return aggregate.visibleTo(organisation) ? Optional.of(aggregate) : Optional.empty();
    }

    private static final String REFERRAL = "Referral";

    /** One aggregate's history, each change projected at most once per request. */
    private final class Aggregate {
        private final String resourceType;
        private final String id;
        /** For a resource made by one change (Provenance, Communication, AuditEvent): that change. */
        private final Long onlyVersion;
        private final List<DomainEventMessage<?>> events;
        private final Map<Integer, FhirChange> changes = new HashMap<>();
        /** The last version the reader may see (a former party: its last change as a party). */
        private int visibleUpTo;

        Aggregate(String resourceType, String id, Long onlyVersion, List<DomainEventMessage<?>> events) {
            this.resourceType = resourceType;
            this.id = id;
            this.onlyVersion = onlyVersion;
            this.events = events;
        }

        boolean visibleTo(String organisation) {
            visibleUpTo = events.size();
            if ("AuditEvent".equals(resourceType)) {
                return onlyVersion != null && change(onlyVersion.intValue()).organisations().contains(organisation);
            }
            boolean referral = REFERRAL.equals(events.get(0).getType());
            boolean latest = true;
            for (int n = events.size(); n >= 1; n--) {
                FhirChange change = change(n);
                if (change.resources().stream().noneMatch(r -> !"AuditEvent".equals(r.fhirType()))) {
                    continue;
                }
                boolean party = change.organisations().contains(organisation);
                if (latest && !referral) {
                    return party;
                }
                if (party) {
                    AccessDecision decision = AccessPolicy.referralRead(latest ? Relationship.PARTY
                            : Relationship.FORMER_PARTY);
                    visibleUpTo = decision.outcome() == AccessDecision.Outcome.AS_WHEN_LEFT ? n : events.size();
                    return decision.allowed()
                            && (onlyVersion == null || onlyVersion <= visibleUpTo);
                }
                latest = false;
            }
            return AccessPolicy.referralRead(Relationship.NONE).allowed();
        }

        Optional<Resource> current() {
            if (onlyVersion != null) {
                return in(onlyVersion.intValue());
            }
            for (int n = visibleUpTo; n >= 1; n--) {
                Optional<Resource> found = in(n);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }

        Optional<Resource> version(long version) {
            if (version < 1 || version > visibleUpTo || (onlyVersion != null && onlyVersion != version)) {
                return Optional.empty();
            }
            return in((int) version);
        }

        List<Resource> versions() {
            if (onlyVersion != null) {
                return in(onlyVersion.intValue()).map(List::of).orElse(List.of());
            }
            List<Resource> versions = new ArrayList<>();
            for (int n = visibleUpTo; n >= 1; n--) {
                in(n).ifPresent(versions::add);
            }
            return versions;
        }

        private Optional<Resource> in(int n) {
            return change(n).resources().stream()
                    .filter(r -> r.fhirType().equals(resourceType) && id.equals(r.getIdElement().getIdPart()))
                    .findFirst();
        }

        private FhirChange change(int n) {
            return changes.computeIfAbsent(n, k -> projector.project(events.subList(0, k)));
        }
    }
}

package dev.careloop.fhir.delivery;

import dev.careloop.fhir.log.LoggedChanges;
import dev.careloop.api.MetadataKeys;
import dev.careloop.api.disclosure.DisclosedToPartner;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.GenericEventMessage;
import java.util.Map;
import dev.careloop.fhir.directory.FhirDirectory;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import dev.careloop.fhir.mapping.FhirChange;
import dev.careloop.fhir.partner.DeliveryMode;
import dev.careloop.fhir.partner.Partner;
import dev.careloop.fhir.partner.Partners;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Resource;
import dev.careloop.api.privacy.PatientErased;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * Delivers each change to one partner: the aggregate's history up to the event, projected to FHIR, filtered by
 * what the partner's organisation may see and the resource types it asked for, sent with retries. What still
 * fails is thrown, and the processor's dead-letter queue keeps it (and the referral's later changes behind it).
 * Never on a replay: a rebuilt projection must not send partners anything again.
 */
final class PartnerDelivery implements EventMessageHandler {

    private static final Logger log = LoggerFactory.getLogger(PartnerDelivery.class);

    /** Waits between tries; a seam for tests. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final Partner partner;
    private final LoggedChanges changes;
    private final PartnerClient client;
    private final Partners partners;
    private final DeliverySettings settings;
    private final Sleeper sleeper;
    private final EventBus events;
    private final ReferencedResources referenced;
    private final Clock clock = Clock.systemUTC();

    PartnerDelivery(Partner partner, LoggedChanges changes, PartnerClient client, Partners partners,
                    DeliverySettings settings, Sleeper sleeper, EventBus events, ReferencedResources referenced) {
        this.partner = partner;
        this.referenced = referenced;
        this.events = events;
        this.changes = changes;
        this.client = client;
        this.partners = partners;
        this.settings = settings;
        this.sleeper = sleeper;
    }

    @Override
    public Object handle(EventMessage<?> event) throws Exception {
        if (ReplayToken.isReplay(event)) {
            // Replays re-read history partners already have.
            return null;
        }
        if (event.getPayload() instanceof PatientErased erased) {
            erasure(erased, event);
            return null;
        }
        if (!(event instanceof DomainEventMessage<?> domain) || !R4ChangeProjector.maps(domain.getType())) {
            // Other events outside an aggregate, and aggregates with no FHIR form (a partnership goal), change
            // nothing a partner holds.
            return null;
        }
        FhirChange change = changes.madeBy(domain.getAggregateIdentifier(), domain.getSequenceNumber());
        if (change.organisations().contains(partner.organisation())) {
            List<Resource> resources = Bundles.forPartner(change, partner);
            if (!resources.isEmpty()) {
                partners.told(partner.id(), change.aggregateId(), change.version(), change.patientId(), false);
                deliver(resources, change, domain.getIdentifier());
            }
            return null;
        }
        if (changesResources(change)) {
            lostAccess(change, domain);
        }
        return null;
    }

    /**
     * A change the partner's organisation may no longer see (its access to a record was revoked or expired, a
     * referral left it): a partner that was told of the aggregate receives, once, the Consent as it now stands for
     * it (inactive) and nothing more. A disclosure or a read that others made changes no resource, and no access.
     */
    private void lostAccess(FhirChange change, DomainEventMessage<?> domain) throws InterruptedException {
        Optional<Partners.Told> told = partners.told(partner.id(), change.aggregateId());
        if (told.isEmpty() || told.get().lostAccess()) {
            return;
        }
        partners.told(partner.id(), change.aggregateId(), change.version(), change.patientId(), true);
        List<Resource> consent = inactiveConsent(change);
        if (!consent.isEmpty()) {
            deliver(consent, change, domain.getIdentifier());
        }
    }

    /**
     * The Consent of {@code change} as it stands for an organisation that lost access: inactive, naming no
     * recipient (who else may still read the record is not its business). Empty when the partner did not ask for
     * Consents or the change has none.
     */
    private List<Resource> inactiveConsent(FhirChange change) {
        if (!partner.resourceTypes().contains("Consent")) {
            return List.of();
        }
        return change.resources().stream().filter(Consent.class::isInstance).map(r -> {
            Consent consent = ((Consent) r).copy();
            consent.setStatus(Consent.ConsentState.INACTIVE);
            consent.getProvision().getActor().clear();
            return (Resource) consent;
        }).toList();
    }

    /**
     * A patient was erased: every partner told of anything about them receives it again as CareLoop now holds it,
     * without identity (the Patient, and each referral's, record's or appointment's resources it was told of: the
     * current ones it may see, with the Communications, Provenances and AuditEvents of the changes it can have
     * received; or the inactive Consent of a record it lost access to). Nothing new is disclosed.
     */
    private void erasure(PatientErased erased, EventMessage<?> event) throws InterruptedException {
        List<Resource> resources = new ArrayList<>();
        Map<FhirChange, List<String>> disclosed = new LinkedHashMap<>();
        for (Partners.Told told : partners.toldAbout(partner.id(), erased.patientId())) {
            FhirChange held = changes.madeBy(told.aggregateId(), told.version() - 1);
            List<Resource> again = new ArrayList<>();
            for (String type : MAIN_TYPES) {
                if (partner.resourceTypes().contains(type)) {
                    referenced.find(type, told.aggregateId(), partner.organisation()).ifPresent(again::add);
                }
            }
            if (told.lostAccess()) {
                again.addAll(inactiveConsent(held));
            } else {
                again.addAll(changesOwn(told));
            }
            if (!again.isEmpty()) {
                resources.addAll(again);
                disclosed.put(held, again.stream().map(Resource::fhirType).distinct().toList());
            }
        }
        if (resources.isEmpty()) {
            return;
        }
        Push push = push(resources, "PatientErased/" + event.getIdentifier(), 1, event.getTimestamp());
        send(push.body(), "the erasure of patient " + erased.patientId(), isDeadLetterRetry() ? 1 : settings.attempts());
        disclosed.forEach((held, types) -> disclosed(held, types, event.getIdentifier()));
    }

    /**
     * The resources of single changes (a question's Communication, a change's Provenance and AuditEvent) of an
     * aggregate the partner was told of, as CareLoop now holds them and the partner's organisation may see them: each
     * change it can have received (after its start), and only the types it takes.
     */
    private List<Resource> changesOwn(Partners.Told told) {
        List<Resource> own = new ArrayList<>();
        for (long sequence : partners.changesAfter(told.aggregateId(), told.version(), partner.startIndex())) {
            for (Resource resource : changes.madeBy(told.aggregateId(), sequence).resources()) {
                String type = resource.fhirType();
                if (!MAIN_TYPES.contains(type) && !"Patient".equals(type) && partner.resourceTypes().contains(type)) {
                    referenced.find(type, resource.getIdElement().getIdPart(), partner.organisation())
                            .ifPresent(own::add);
                }
            }
        }
        return own;
    }

    /** The resources that stand for a referral, record or appointment (the rest are one change's own). */
    private static final List<String> MAIN_TYPES = List.of("ServiceRequest", "Task", "DocumentReference", "Consent",
            "Appointment");

    private static boolean changesResources(FhirChange change) {
        return change.resources().stream().anyMatch(r -> !"AuditEvent".equals(r.fhirType()));
    }

    /** Sends {@code resources} of {@code change} (made whole for a transaction), then accounts for the disclosure. */
    private void deliver(List<Resource> resources, FhirChange change, String causation) throws InterruptedException {
        Push push = push(resources, change.aggregateId(), change.version(), change.recorded());
        send(push.body(), "Change " + change.aggregateId() + " v" + change.version(),
                isDeadLetterRetry() ? 1 : settings.attempts());
        disclosed(change, push.sent().stream().map(Resource::fhirType).filter(type -> !FhirDirectory.serves(type))
                .distinct().toList(), causation);
    }

    /** A request body, and the resources it carries. */
    private record Push(String body, List<Resource> sent) {
    }

    /**
     * The request for {@code resources}: a transaction carries what its resources name, so a partner with
     * referential integrity can store it; a notification is numbered by what it notifies ({@code notifiedAs}).
     */
    private Push push(List<Resource> resources, String notifiedAs, long version, Instant recorded) {
        if (partner.mode() == DeliveryMode.TRANSACTION) {
            List<Resource> sent = WholePushes.complete(resources, partner, referenced, settings.fhirBaseUrl());
            return new Push(Bundles.transaction(partner.baseUrl(), sent), sent);
        }
        // Relative, so that $events names them on whatever base the facade has then.
        List<String> focus = resources.stream().map(r -> r.fhirType() + "/" + r.getIdElement().getIdPart()
                + "/_history/" + r.getMeta().getVersionId()).toList();
        long number = partners.eventNumber(partner.id(), notifiedAs, version, focus, recorded);
        return new Push(Bundles.notification(partner, settings.fhirBaseUrl(), Bundles.topic(partner, settings.topic()),
                number, recorded, resources), resources);
    }

    /** Committed with this processor's token: the accounting of disclosures names every delivery. */
    private void disclosed(FhirChange change, List<String> resourceTypes, String causation) {
        events.publish(GenericEventMessage.asEventMessage(new DisclosedToPartner(partner.id(), partner.organisation(),
                change.aggregateType(), change.aggregateId(), change.version(), change.referralId(),
                change.patientId(), resourceTypes))
                .andMetaData(Map.of(MetadataKeys.ORGANISATION, partner.organisation(),
                        MetadataKeys.CLIENT, "careloop-delivery",
                        MetadataKeys.CAUSATION_ID, causation)));
    }

    private void send(String bundle, String what, int tries) throws InterruptedException {
        Backoff backoff = settings.inlineBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                client.post(partner, bundle);
                Instant at = clock.instant();
                afterUnitOfWork(() -> partners.recordSuccess(partner.id(), at));
                return;
            } catch (DeliveryFailure failure) {
                Instant at = clock.instant();
                afterUnitOfWork(() -> partners.recordError(partner.id(), failure.getMessage(), at));
                if (!failure.retryable() || attempt >= tries) {
                    log.warn("{} not delivered to partner {} after {} tries: {}", what, partner.id(), attempt,
                            failure.getMessage());
                    throw failure;
                }
                Duration wait = backoff.after(attempt, failure.retryAfter());
                if (wait.compareTo(settings.maxBackoff()) > 0) {
                    // The partner asked for a long pause: wait in the dead-letter queue, not on this thread.
                    throw failure;
                }
                log.info("{} to partner {}: try {} failed ({}), next in {} ms", what, partner.id(), attempt,
                        failure.getMessage(), wait.toMillis());
                sleeper.sleep(wait);
            }
        }
    }

    /**
     * The partner's health (last success, last error) is written in a transaction of its own once the unit of work
     * is over and its connection back in the pool, never while this thread holds one: with every connection held by
     * a delivery waiting for a second, the pool would starve. Outside a unit of work, at once.
     */
    private static void afterUnitOfWork(Runnable record) {
        if (!CurrentUnitOfWork.isStarted()) {
            record.run();
            return;
        }
        CurrentUnitOfWork.get().onCleanup(u -> {
            try {
                record.run();
            } catch (RuntimeException e) {
                log.warn("Could not record a partner's delivery health: {}", e.toString());
            }
        });
    }

    /** A retry out of the dead-letter queue gets one try: the queue's own schedule is the backoff. */
    private static boolean isDeadLetterRetry() {
        return CurrentUnitOfWork.isStarted()
                && CurrentUnitOfWork.get().resources().containsKey(DeadLetter.class.getName());
    }

    /** Delivery can never be replayed: Axon refuses to reset this processor's tokens. */
    @Override
    public boolean supportsReset() {
        return false;
    }

    @Override
    public boolean canHandle(EventMessage<?> event) {
        return true;
    }

    @Override
    public Class<?> getTargetType() {
        return PartnerDelivery.class;
    }
}

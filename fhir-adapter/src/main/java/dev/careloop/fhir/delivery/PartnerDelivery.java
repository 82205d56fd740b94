package dev.careloop.fhir.delivery;

import dev.careloop.fhir.log.LoggedChanges;
import dev.careloop.api.MetadataKeys;
import dev.careloop.api.disclosure.DisclosedToPartner;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.GenericEventMessage;
import java.util.Map;
import dev.careloop.fhir.directory.FhirDirectory;
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
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

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
        if (ReplayToken.isReplay(event) || !(event instanceof DomainEventMessage<?> domain)) {
            // Replays re-read history partners already have; events outside an aggregate are no FHIR change.
            return null;
        }
        FhirChange change = changes.madeBy(domain.getAggregateIdentifier(), domain.getSequenceNumber());
        if (!change.organisations().contains(partner.organisation())) {
            return null;
        }
        List<Resource> resources = Bundles.forPartner(change, partner);
        if (resources.isEmpty()) {
            return null;
        }
        // A transaction carries what its resources name, so a partner with referential integrity can store it.
        List<Resource> sent = partner.mode() == DeliveryMode.TRANSACTION
                ? WholePushes.complete(resources, partner, referenced, settings.fhirBaseUrl()) : resources;
        String bundle = partner.mode() == DeliveryMode.TRANSACTION
                ? Bundles.transaction(partner.baseUrl(), sent)
                : Bundles.notification(partner, settings.fhirBaseUrl(), settings.topic(),
                partners.eventNumber(partner.id(), change.aggregateId(), change.version()), change.recorded(),
                resources);
        send(bundle, change, isDeadLetterRetry() ? 1 : settings.attempts());
        // Committed with this processor's token: the accounting of disclosures names every delivery.
        events.publish(GenericEventMessage.asEventMessage(new DisclosedToPartner(partner.id(), partner.organisation(),
                change.aggregateType(), change.aggregateId(), change.version(), change.referralId(),
                change.patientId(), sent.stream().map(r -> r.fhirType())
                .filter(type -> !FhirDirectory.serves(type)).distinct().toList()))
                .andMetaData(Map.of(MetadataKeys.ORGANISATION, partner.organisation(),
                        MetadataKeys.CLIENT, "careloop-delivery",
                        MetadataKeys.CAUSATION_ID, domain.getIdentifier())));
        return null;
    }

    private void send(String bundle, FhirChange change, int tries) throws InterruptedException {
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
                    log.warn("Change {} v{} not delivered to partner {} after {} tries: {}", change.aggregateId(),
                            change.version(), partner.id(), attempt, failure.getMessage());
                    throw failure;
                }
                Duration wait = backoff.after(attempt, failure.retryAfter());
                if (wait.compareTo(settings.maxBackoff()) > 0) {
                    // The partner asked for a long pause: wait in the dead-letter queue, not on this thread.
                    throw failure;
                }
                log.info("Change {} v{} to partner {}: try {} failed ({}), next in {} ms", change.aggregateId(),
                        change.version(), partner.id(), attempt, failure.getMessage(), wait.toMillis());
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

package dev.careloop.fhir.delivery;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.disclosure.DisclosedToPartner;
import dev.careloop.fhir.log.LoggedChanges;
import dev.careloop.fhir.mapping.FhirChange;
import dev.careloop.fhir.partner.Partner;
import dev.careloop.fhir.partner.PartnerSubscription;
import dev.careloop.fhir.partner.Partners;
import dev.careloop.fhir.partner.PayloadContent;
import dev.careloop.fhir.partner.Subscriptions;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.GenericEventMessage;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The delivery side of the Subscriptions partners create at {@code /fhir/Subscription}: the handshake that makes a
 * requested one active (or error, when its endpoint does not take it), starting and stopping its processor, its end,
 * and the notifications {@code $status} and {@code $events} answer with.
 */
@Component
public class SubscriptionChannel implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionChannel.class);
    /** The most events one {@code $events} answers; a client asks again from the next number. */
    public static final int MAX_EVENTS = 100;

    private final Subscriptions subscriptions;
    private final Partners partners;
    private final PartnerProcessors processors;
    private final PartnerClient client;
    private final DeliverySettings settings;
    private final LoggedChanges changes;
    private final EventBus events;
    private final DeadLetters deadLetters;
    private final Clock clock = Clock.systemUTC();
    private final Set<String> shaking = ConcurrentHashMap.newKeySet();
    private volatile ExecutorService handshakes;

    SubscriptionChannel(Subscriptions subscriptions, Partners partners, PartnerProcessors processors,
                        PartnerClient client, DeliverySettings settings, LoggedChanges changes, EventBus events,
                        DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
        this.subscriptions = subscriptions;
        this.partners = partners;
        this.processors = processors;
        this.client = client;
        this.settings = settings;
        this.changes = changes;
        this.events = events;
    }

    /** The head of the log now: where a Subscription created now starts. */
    public long head() {
        return processors.head();
    }

    /** The SubscriptionTopic CareLoop publishes: every change to a referral and what belongs to it. */
    public String topic() {
        return settings.topic();
    }

    /** How often a partner gets a heartbeat: a Subscription's own period, the configured one for the others. */
    public Optional<Duration> heartbeatPeriod(Partner partner) {
        return Optional.ofNullable(partner.notifying().subscription() ? partner.notifying().heartbeatPeriod()
                : settings.heartbeatInterval());
    }

    /** The handshake of a requested Subscription, on a thread of its own (the create answers at once). */
    public void handshakeSoon(String id) {
        ExecutorService executor = handshakes;
        if (executor != null && shaking.add(id)) {
            executor.execute(() -> {
                try {
                    handshake(id);
                } finally {
                    shaking.remove(id);
                }
            });
        }
    }

    /**
     * Sends the handshake (once: a refusal or no answer makes the Subscription error, and the client asks for it
     * again by setting the status back to requested); on a 2xx the Subscription is active and delivering.
     */
    void handshake(String id) {
        if (!subscriptions.claimHandshake(id)) {
            return;
        }
        Optional<Partner> found = partners.find(id);
        if (found.isEmpty()) {
            return;
        }
        Partner partner = found.get();
        try {
            client.post(partner, Bundles.handshake(partner, settings.fhirBaseUrl(),
                    Bundles.topic(partner, settings.topic())));
        } catch (DeliveryFailure failure) {
            String why = "handshake failed: " + failure.getMessage();
            log.info("Subscription {}: {}", id, why);
            partners.recordError(id, why, clock.instant());
            subscriptions.handshakeAnswered(id, why);
            return;
        }
        partners.recordSuccess(id, clock.instant());
        if (subscriptions.handshakeAnswered(id, null)) {
            processors.start(partner.withActive(true));
            log.info("Subscription {} of {} is active after its handshake", id, partner.organisation());
        }
    }

    /** Stops delivering to a Subscription now turned off or deleted (on other nodes, their next round does). */
    public void stopped(String id) {
        processors.stop(id);
    }

    /**
     * A deleted Subscription: stopped, and the changes that wait for it dropped (nothing will ever take them; left,
     * they would count as undelivered forever).
     */
    public void deleted(String id) {
        processors.stop(id);
        deadLetters.dropAll(id, "its Subscription was deleted");
    }

    /** Each round of the delivery schedule: Subscriptions past their end go off; requested ones get a handshake. */
    void round() {
        subscriptions.expire(clock.instant()).forEach(processors::stop);
        subscriptions.requested().forEach(this::handshakeSoon);
    }

    /** The events counted so far for a Subscription. */
    public long eventsSinceStart(String id) {
        return partners.eventsSinceStart(id);
    }

    /** {@code $status} of one Subscription. */
    public Parameters status(PartnerSubscription subscription) {
        return Bundles.queryStatus(subscription, settings.fhirBaseUrl(),
                Bundles.topic(subscription.partner(), settings.topic()), eventsSinceStart(subscription.id()));
    }

    /**
     * {@code $events}: the events numbered {@code from} to {@code to} (at most {@value #MAX_EVENTS}) as one
     * notification of type query-event, with {@code content} (the Subscription's own when null). A full resource is
     * the version the event notified, and only while the Subscription's organisation took part in that change (the
     * inactive Consent of a record it lost access to, and an erasure, come as ids); each is accounted as a disclosure
     * to the partner, as a delivery is.
     */
    public Bundle events(PartnerSubscription subscription, long from, long to, PayloadContent content) {
        Partner partner = subscription.partner();
        PayloadContent shown = content == null ? partner.notifying().content() : content;
        List<Bundles.Event> found = new ArrayList<>();
        for (Partners.Notified notified : partners.notified(subscription.id(), from, Math.min(to,
                from + MAX_EVENTS - 1))) {
            FhirChange change = shown == PayloadContent.FULL_RESOURCE ? change(notified, partner) : null;
            List<Bundles.Focus> focus = new ArrayList<>();
            for (String versioned : notified.focus()) {
                IdType id = new IdType(versioned);
                Resource resource = change == null ? null : change.resources().stream()
                        .filter(r -> r.fhirType().equals(id.getResourceType())
                                && r.getIdElement().getIdPart().equals(id.getIdPart()))
                        .findFirst().orElse(null);
                focus.add(new Bundles.Focus(id.getResourceType(), id.getIdPart(), id.getVersionIdPart(), resource));
            }
            if (change != null) {
                disclosed(partner, change, focus.stream().filter(f -> f.resource() != null).map(Bundles.Focus::type)
                        .distinct().toList());
            }
            found.add(new Bundles.Event(notified.eventNumber(), notified.recorded(), focus));
        }
        return Bundles.queryEvents(subscription, settings.fhirBaseUrl(), Bundles.topic(partner, settings.topic()),
                eventsSinceStart(subscription.id()), found, shown);
    }

    /** The change an event notified, when the partner's organisation took part in it; else null (ids only). */
    private FhirChange change(Partners.Notified notified, Partner partner) {
        if (notified.aggregateId().contains("/")) {
            // An erasure: no change of one aggregate.
            return null;
        }
        try {
            FhirChange change = changes.madeBy(notified.aggregateId(), notified.version() - 1);
            return change.organisations().contains(partner.organisation()) ? change : null;
        } catch (RuntimeException e) {
            log.warn("$events of {}: change {} v{} could not be read ({})", partner.id(), notified.aggregateId(),
                    notified.version(), e.toString());
            return null;
        }
    }

    private void disclosed(Partner partner, FhirChange change, List<String> resourceTypes) {
        if (resourceTypes.isEmpty()) {
            return;
        }
        events.publish(GenericEventMessage.asEventMessage(new DisclosedToPartner(partner.id(),
                partner.organisation(), change.aggregateType(), change.aggregateId(), change.version(),
                change.referralId(), change.patientId(), resourceTypes))
                .andMetaData(Map.of(MetadataKeys.ORGANISATION, partner.organisation(),
                        MetadataKeys.CLIENT, "careloop-delivery",
                        MetadataKeys.CAUSATION_ID, "$events")));
    }

    @Override
    public void start() {
        handshakes = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "fhir-subscription-handshakes");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void stop() {
        ExecutorService executor = handshakes;
        handshakes = null;
        if (executor != null) {
            executor.shutdown();
            try {
                executor.awaitTermination(settings.readTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return handshakes != null;
    }

    @Override
    public int getPhase() {
        // With the partners' processors: after them on start, before them on stop.
        return DeliverySchedule.PHASE;
    }
}

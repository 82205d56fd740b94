package dev.careloop.fhir.delivery;

import dev.careloop.fhir.partner.DeliveryMode;
import dev.careloop.fhir.partner.Partner;
import dev.careloop.fhir.partner.Partners;
import dev.careloop.plumbing.PeriodicTask;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Heartbeats to rest-hook partners: a Subscription's every {@code heartbeatPeriod} (none if it asked for none), an
 * administrator's rest-hook partner every {@code careloop.fhir.delivery.heartbeat-interval}. Every second each node
 * looks which are due; the one holding segment 0 of a partner's processor speaks for all, so a partner gets one
 * heartbeat per period.
 */
@Component
class Heartbeats extends PeriodicTask {

    private static final Duration TICK = Duration.ofSeconds(1);

    private final PartnerProcessors processors;
    private final Partners partners;
    private final PartnerClient client;
    private final DeliverySettings settings;
    private final Clock clock = Clock.systemUTC();
    /** When this node last sent each partner a heartbeat (or first saw it deliver): the period counts from there. */
    private final Map<String, Instant> lastBeat = new ConcurrentHashMap<>();

    private final SubscriptionChannel subscriptions;

    Heartbeats(PartnerProcessors processors, Partners partners, PartnerClient client, DeliverySettings settings,
               SubscriptionChannel subscriptions) {
        super("fhir-delivery-heartbeats", TICK, TICK, Rounds.PER_NODE, DeliverySchedule.PHASE);
        this.processors = processors;
        this.partners = partners;
        this.client = client;
        this.settings = settings;
        this.subscriptions = subscriptions;
    }

    @Override
    protected void runOnce() {
        Instant now = clock.instant();
        lastBeat.keySet().retainAll(processors.running().keySet());
        for (PartnerProcessors.Delivery delivery : processors.running().values()) {
            Partner partner = delivery.partner();
            Duration period = subscriptions.heartbeatPeriod(partner).orElse(null);
            if (partner.mode() != DeliveryMode.REST_HOOK || period == null
                    || !delivery.processor().processingStatus().containsKey(0)) {
                continue;
            }
            Instant last = lastBeat.putIfAbsent(partner.id(), now);
            // A tenth of a tick early is on time: rounds drift by milliseconds.
            if (last == null || Duration.between(last, now).compareTo(period.minus(TICK.dividedBy(10))) < 0) {
                continue;
            }
            lastBeat.put(partner.id(), now);
            try {
                client.post(partner, Bundles.heartbeat(partner, settings.fhirBaseUrl(),
                        Bundles.topic(partner, settings.topic()), partners.eventsSinceStart(partner.id())));
            } catch (DeliveryFailure e) {
                partners.recordError(partner.id(), "heartbeat: " + e.getMessage(), clock.instant());
            }
        }
    }

    @Override
    protected void roundFailed(RuntimeException e) {
        DeliverySchedule.failed("heartbeats", e);
    }
}

package dev.careloop.fhir.delivery;

import dev.careloop.fhir.partner.DeliveryMode;
import dev.careloop.fhir.partner.Partner;
import dev.careloop.fhir.partner.Partners;
import dev.careloop.plumbing.PeriodicTask;
import org.springframework.stereotype.Component;

import java.time.Clock;

/**
 * Heartbeats to rest-hook partners every {@code careloop.fhir.delivery.heartbeat-interval}. Every node runs the
 * round; the one holding segment 0 of a partner's processor speaks for all, so a partner gets one heartbeat.
 */
@Component
class Heartbeats extends PeriodicTask {

    private final PartnerProcessors processors;
    private final Partners partners;
    private final PartnerClient client;
    private final DeliverySettings settings;
    private final Clock clock = Clock.systemUTC();

    Heartbeats(PartnerProcessors processors, Partners partners, PartnerClient client, DeliverySettings settings) {
        super("fhir-delivery-heartbeats", settings.heartbeatInterval(), settings.heartbeatInterval(),
                Rounds.PER_NODE, DeliverySchedule.PHASE);
        this.processors = processors;
        this.partners = partners;
        this.client = client;
        this.settings = settings;
    }

    @Override
    protected void runOnce() {
        for (PartnerProcessors.Delivery delivery : processors.running().values()) {
            Partner partner = delivery.partner();
            if (partner.mode() != DeliveryMode.REST_HOOK || !delivery.processor().processingStatus().containsKey(0)) {
                continue;
            }
            try {
                client.post(partner, Bundles.heartbeat(partner, settings.fhirBaseUrl(), settings.topic(),
                        partners.eventsSinceStart(partner.id())));
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

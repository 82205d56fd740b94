package dev.careloop.fhir.delivery;

import dev.careloop.fhir.partner.DeliveryMode;
import dev.careloop.fhir.partner.Partner;
import dev.careloop.fhir.partner.Partners;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What delivery does on a clock: retries dead letters whose wait is over, sends heartbeats to rest-hook
 * partners, and follows the registry (a partner registered or deactivated on another instance).
 */
@Component
class DeliverySchedule implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliverySchedule.class);

    private final DeadLetters deadLetters;
    private final PartnerProcessors processors;
    private final Partners partners;
    private final PartnerClient client;
    private final DeliverySettings settings;
    private final Clock clock = Clock.systemUTC();
    private volatile ScheduledExecutorService executor;

    DeliverySchedule(DeadLetters deadLetters, PartnerProcessors processors, Partners partners, PartnerClient client,
                     DeliverySettings settings) {
        this.deadLetters = deadLetters;
        this.processors = processors;
        this.partners = partners;
        this.client = client;
        this.settings = settings;
    }

    void followRegistry() {
        List<Partner> active = partners.active();
        Set<String> activeIds = new HashSet<>();
        for (Partner partner : active) {
            activeIds.add(partner.id());
            processors.start(partner);
        }
        for (String running : Set.copyOf(processors.running().keySet())) {
            if (!activeIds.contains(running)) {
                processors.stop(running);
            }
        }
    }

    void heartbeats() {
        for (PartnerProcessors.Delivery delivery : processors.running().values()) {
            Partner partner = delivery.partner();
            // On several nodes, the one holding segment 0 of the partner's processor speaks for all: one heartbeat.
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

    private Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                // One line; the stack trace only for DEBUG.
                log.warn("FHIR delivery: {} failed ({}); trying again next round", what, DeliveryFailure.causeLine(e));
                log.debug("FHIR delivery: {} failed", what, e);
            }
        };
    }

    @Override
    public void start() {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, task -> {
            Thread thread = new Thread(task, "fhir-delivery-schedule");
            thread.setDaemon(true);
            return thread;
        });
        long poll = settings.deadLetterPollInterval().toMillis();
        long heartbeat = settings.heartbeatInterval().toMillis();
        scheduler.scheduleWithFixedDelay(guarded("following the registry", this::followRegistry), poll, poll,
                TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(guarded("retrying dead letters", deadLetters::retryDue), poll, poll,
                TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(guarded("heartbeats", this::heartbeats), heartbeat, heartbeat,
                TimeUnit.MILLISECONDS);
        executor = scheduler;
    }

    @Override
    public void stop() {
        ScheduledExecutorService scheduler = executor;
        executor = null;
        if (scheduler == null) {
            return;
        }
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }

    @Override
    public int getPhase() {
        // Starts after the partners' processors, stops before them.
        return Integer.MAX_VALUE - 240;
    }
}

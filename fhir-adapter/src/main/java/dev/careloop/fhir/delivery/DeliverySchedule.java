package dev.careloop.fhir.delivery;

import dev.careloop.fhir.partner.Partner;
import dev.careloop.fhir.partner.Partners;
import dev.careloop.plumbing.PeriodicTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What delivery does on a clock, on every node: follows the registry (a partner registered or deactivated on
 * another instance), retries dead letters whose wait is over, turns off Subscriptions past their end and sends the
 * handshake of requested ones a node did not get to (SubscriptionChannel). Heartbeats have their own clock (Heartbeats).
 */
@Component
class DeliverySchedule extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(DeliverySchedule.class);
    /** Starts after the partners' processors, stops before them. */
    static final int PHASE = Integer.MAX_VALUE - 240;

    private final DeadLetters deadLetters;
    private final PartnerProcessors processors;
    private final Partners partners;
    private final SubscriptionChannel subscriptions;

    DeliverySchedule(DeadLetters deadLetters, PartnerProcessors processors, Partners partners,
                     SubscriptionChannel subscriptions, DeliverySettings settings) {
        super("fhir-delivery-schedule", settings.deadLetterPollInterval(), settings.deadLetterPollInterval(),
                Rounds.PER_NODE, PHASE);
        this.deadLetters = deadLetters;
        this.processors = processors;
        this.partners = partners;
        this.subscriptions = subscriptions;
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

    @Override
    protected void runOnce() {
        // Each on its own: a registry that cannot be read does not hold up the dead letters' retries.
        guarded("following the registry", this::followRegistry);
        guarded("retrying dead letters", deadLetters::retryDue);
        guarded("ending and handshaking Subscriptions", subscriptions::round);
    }

    @Override
    protected void roundFailed(RuntimeException e) {
        failed("a round", e);
    }

    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            failed(what, e);
        }
    }

    static void failed(String what, RuntimeException e) {
        // One line; the stack trace only for DEBUG.
        log.warn("FHIR delivery: {} failed ({}); trying again next round", what, DeliveryFailure.causeLine(e));
        log.debug("FHIR delivery: {} failed", what, e);
    }
}

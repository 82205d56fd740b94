package dev.careloop.app.infra;

import dev.careloop.plumbing.PeriodicTask;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.deadletter.SequencedDeadLetterProcessor;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Retries dead-lettered events every {@code careloop.dead-letter-retry-interval}. Axon parks an event whose
 * handler failed (and the later events of the same referral behind it) in dead_letter_entry, but never takes
 * it out again by itself: without this, one transient failure would leave a read model stale for good.
 * A retry that fails again goes back to the end of the queue; the claim in the table keeps two instances
 * from processing the same sequence.
 */
@Component
class DeadLetterRetry extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRetry.class);
    /** Bounds one round per processing group, so a large backlog cannot hold the retry thread for long. */
    private static final int MAX_SEQUENCES_PER_ROUND = 100;

    private final EventProcessingConfiguration processing;
    private final SagaDeadLetters sagas;

    DeadLetterRetry(EventProcessingConfiguration processing, SagaDeadLetters sagas,
                    @Value("${careloop.dead-letter-retry-interval:PT10S}") Duration interval) {
        super("dead-letter-retry", interval, Rounds.CLUSTER_WIDE);
        this.processing = processing;
        this.sagas = sagas;
    }

    /** One round: every dead-lettered sequence of every processing group with a dead-letter queue gets one try. */
    void retryDeadLetters() {
        // Processors are named after their processing group (Axon's default assignment, which CareLoop keeps).
        for (String group : processing.eventProcessors().keySet()) {
            Optional<SequencedDeadLetterQueue<EventMessage<?>>> queue = processing.deadLetterQueue(group);
            Optional<SequencedDeadLetterProcessor<EventMessage<?>>> processor =
                    processing.sequencedDeadLetterProcessor(group);
            if (queue.isEmpty() || processor.isEmpty()) {
                continue;
            }
            long sequences = Math.min(queue.get().amountOfSequences(), MAX_SEQUENCES_PER_ROUND);
            int retried = 0;
            // processAny takes the least recently tried sequence, so each gets its turn even if one keeps failing.
            for (long i = 0; i < sequences; i++) {
                if (processor.get().processAny()) {
                    retried++;
                }
            }
            if (sequences > 0) {
                log.info("Dead letters of processing group {}: {} of {} sequences handled on retry",
                        group, retried, sequences);
            }
        }
        // The sagas' own letters (SagaDeadLetters), the sequence tried least recently first.
        for (Map.Entry<String, List<String>> group : sagas.oldestSequences(MAX_SEQUENCES_PER_ROUND).entrySet()) {
            int retried = 0;
            for (String sequence : group.getValue()) {
                if (sagas.retry(group.getKey(), sequence) == SagaDeadLetters.RetryOutcome.HANDLED) {
                    retried++;
                }
            }
            if (!group.getValue().isEmpty()) {
                log.info("Dead letters of processing group {}: {} of {} sequences handled on retry",
                        group.getKey(), retried, group.getValue().size());
            }
        }
    }

    @Override
    protected void runOnce() {
        retryDeadLetters();
    }
}

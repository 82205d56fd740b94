package dev.careloop.fhir.delivery;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.deadletter.jdbc.JdbcDeadLetter;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The changes a partner did not take, kept per referral in order: listed, retried on their schedule or at an
 * administrator's request, and dropped only by an administrator.
 */
@Component
class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    /** Bounds one scheduled round per partner, so a large backlog cannot hold the retry thread for long. */
    private static final int MAX_SEQUENCES_PER_ROUND = 100;

    /** One dead letter as the admin API shows it. */
    record Letter(String letterId, String sequence, long position, String eventId, String aggregateType,
                  String aggregateId, Long aggregateVersion, String payloadType, Instant enqueuedAt,
                  Instant lastTouched, String causeType, String cause, int failures, Instant nextRetryAt,
                  boolean retryable) {
    }

    enum RetryOutcome { DELIVERED, FAILED_AGAIN, NOT_FOUND, NOT_RUNNING }

    private final PartnerProcessors processors;
    private final TransactionManager transactionManager;
    private final Clock clock = Clock.systemUTC();

    DeadLetters(PartnerProcessors processors, TransactionManager transactionManager) {
        this.processors = processors;
        this.transactionManager = transactionManager;
    }

    List<Letter> list(String partnerId) {
        SequencedDeadLetterQueue<EventMessage<?>> queue = processors.queueOf(partnerId);
        return transactionManager.fetchInTransaction(() -> {
            List<Letter> letters = new ArrayList<>();
            for (Iterable<DeadLetter<? extends EventMessage<?>>> sequence : queue.deadLetters()) {
                for (DeadLetter<? extends EventMessage<?>> letter : sequence) {
                    letters.add(view(letter));
                }
            }
            return letters;
        });
    }

    long count(String partnerId) {
        SequencedDeadLetterQueue<EventMessage<?>> queue = processors.queueOf(partnerId);
        return transactionManager.fetchInTransaction(queue::size);
    }

    /** Retries the sequence (referral) the letter is in, from its first letter: order is kept. */
    RetryOutcome retry(String partnerId, String letterId) {
        Optional<PartnerProcessors.Delivery> delivery = processors.delivery(partnerId);
        Optional<JdbcDeadLetter<?>> letter = find(partnerId, letterId);
        if (letter.isEmpty()) {
            return RetryOutcome.NOT_FOUND;
        }
        if (delivery.isEmpty()) {
            return RetryOutcome.NOT_RUNNING;
        }
        String sequence = letter.get().getSequenceIdentifier();
        boolean delivered = delivery.get().invoker().process(head -> head instanceof JdbcDeadLetter<?> jdbc
                && sequence.equals(jdbc.getSequenceIdentifier()));
        return delivered ? RetryOutcome.DELIVERED : RetryOutcome.FAILED_AGAIN;
    }

    /** Gives up on one change for good; false if there is no such letter. */
    boolean drop(String partnerId, String letterId, String by) {
        Optional<JdbcDeadLetter<?>> letter = find(partnerId, letterId);
        if (letter.isEmpty()) {
            return false;
        }
        SequencedDeadLetterQueue<EventMessage<?>> queue = processors.queueOf(partnerId);
        @SuppressWarnings("unchecked")
        DeadLetter<? extends EventMessage<?>> toEvict = (DeadLetter<? extends EventMessage<?>>) letter.get();
        transactionManager.executeInTransaction(() -> queue.evict(toEvict));
        log.warn("Dead letter {} (event {}) of partner {} dropped by {}: the partner will not receive it",
                letterId, letter.get().message().getIdentifier(), partnerId, by);
        return true;
    }

    /** Gives up on every change waiting for a partner that is gone for good (a deleted Subscription). */
    long dropAll(String partnerId, String why) {
        SequencedDeadLetterQueue<EventMessage<?>> queue = processors.queueOf(partnerId);
        long dropped = transactionManager.fetchInTransaction(() -> {
            long size = queue.size();
            queue.clear();
            return size;
        });
        if (dropped > 0) {
            log.warn("{} dead letter(s) of partner {} dropped ({}): it will not receive them", dropped, partnerId,
                    why);
        }
        return dropped;
    }

    /**
     * One scheduled round: each sequence whose wait is over gets one try. Not those the partner refused for good
     * (a 4xx other than 408/429): the same request would be refused again; they wait for an administrator.
     */
    void retryDue() {
        for (PartnerProcessors.Delivery delivery : processors.running().values()) {
            try {
                long sequences = Math.min(transactionManager.fetchInTransaction(
                        () -> delivery.queue().amountOfSequences()), MAX_SEQUENCES_PER_ROUND);
                for (long i = 0; i < sequences; i++) {
                    Instant now = clock.instant();
                    delivery.invoker().process(head -> DeliveryEnqueuePolicy.retryable(head)
                            && !DeliveryEnqueuePolicy.nextRetryAt(head).isAfter(now));
                }
            } catch (RuntimeException e) {
                log.warn("Retrying dead letters of partner {} failed ({}); trying again next round",
                        delivery.partner().id(), DeliveryFailure.causeLine(e));
                log.debug("Retrying dead letters of partner {} failed", delivery.partner().id(), e);
            }
        }
    }

    private Optional<JdbcDeadLetter<?>> find(String partnerId, String letterId) {
        SequencedDeadLetterQueue<EventMessage<?>> queue = processors.queueOf(partnerId);
        return transactionManager.fetchInTransaction(() -> {
            for (Iterable<DeadLetter<? extends EventMessage<?>>> sequence : queue.deadLetters()) {
                for (DeadLetter<? extends EventMessage<?>> letter : sequence) {
                    if (letter instanceof JdbcDeadLetter<?> jdbc && jdbc.getIdentifier().equals(letterId)) {
                        return Optional.<JdbcDeadLetter<?>>of(jdbc);
                    }
                }
            }
            return Optional.<JdbcDeadLetter<?>>empty();
        });
    }

    private static Letter view(DeadLetter<? extends EventMessage<?>> letter) {
        EventMessage<?> message = letter.message();
        JdbcDeadLetter<?> jdbc = letter instanceof JdbcDeadLetter<?> j ? j : null;
        DomainEventMessage<?> domain = message instanceof DomainEventMessage<?> d ? d : null;
        Instant next = DeliveryEnqueuePolicy.nextRetryAt(letter);
        return new Letter(jdbc == null ? null : jdbc.getIdentifier(), jdbc == null ? null : jdbc.getSequenceIdentifier(),
                jdbc == null ? 0 : jdbc.getSequenceIndex(), message.getIdentifier(),
                domain == null ? null : domain.getType(), domain == null ? null : domain.getAggregateIdentifier(),
                domain == null ? null : domain.getSequenceNumber() + 1, message.getPayloadType().getName(),
                letter.enqueuedAt(), letter.lastTouched(), letter.cause().map(c -> c.type()).orElse(null),
                letter.cause().map(c -> c.message()).orElse(null), DeliveryEnqueuePolicy.failures(letter),
                Instant.MIN.equals(next) ? null : next, DeliveryEnqueuePolicy.retryable(letter));
    }
}

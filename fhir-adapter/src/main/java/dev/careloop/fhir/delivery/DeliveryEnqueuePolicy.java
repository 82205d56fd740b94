package dev.careloop.fhir.delivery;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.Decisions;
import org.axonframework.messaging.deadletter.EnqueueDecision;
import org.axonframework.messaging.deadletter.EnqueuePolicy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Every failed delivery is dead-lettered, never dropped; the letter's diagnostics say how often it failed and
 * when its next retry is due (capped exponential backoff with jitter, or later if the partner asked for it with
 * Retry-After).
 */
final class DeliveryEnqueuePolicy implements EnqueuePolicy<EventMessage<?>> {

    static final String FAILURES = "failures";
    static final String NEXT_RETRY_AT = "nextRetryAt";
    static final String RETRYABLE = "retryable";
    static final String STATUS = "httpStatus";

    private final Backoff backoff;
    private final Clock clock;

    DeliveryEnqueuePolicy(Backoff backoff) {
        this(backoff, Clock.systemUTC());
    }

    DeliveryEnqueuePolicy(Backoff backoff, Clock clock) {
        this.backoff = backoff;
        this.clock = clock;
    }

    @Override
    public EnqueueDecision<EventMessage<?>> decide(DeadLetter<? extends EventMessage<?>> letter, Throwable cause) {
        DeliveryFailure failure = DeliveryFailure.in(cause);
        int failures = failures(letter) + 1;
        Duration wait = backoff.after(failures, failure == null ? null : failure.retryAfter());
        Instant next = clock.instant().plus(wait);
        return Decisions.requeue(bounded(cause), l -> l.diagnostics()
                .and(FAILURES, failures)
                .and(NEXT_RETRY_AT, next.toString())
                .and(RETRYABLE, failure == null || failure.retryable())
                .and(STATUS, failure == null ? 0 : failure.status()));
    }

    static int failures(DeadLetter<?> letter) {
        Object value = letter.diagnostics().get(FAILURES);
        return value instanceof Number n ? n.intValue() : value == null ? 0 : Integer.parseInt(value.toString());
    }

    /** False when the partner refused the change for good; letters queued behind a failure count as retryable. */
    static boolean retryable(DeadLetter<?> letter) {
        Object value = letter.diagnostics().get(RETRYABLE);
        return value == null || Boolean.parseBoolean(value.toString());
    }

    /** When a letter may be retried again; letters queued behind a failure have no schedule of their own. */
    static Instant nextRetryAt(DeadLetter<?> letter) {
        Object value = letter.diagnostics().get(NEXT_RETRY_AT);
        return value == null ? Instant.MIN : Instant.parse(value.toString());
    }

    private static boolean failureRetryable(Throwable cause) {
        DeliveryFailure failure = DeliveryFailure.in(cause);
        return failure == null || failure.retryable();
    }

    /** The letter keeps a short reason: a delivery failure's own (a status or a plain reason), else a bounded line. */
    private static Throwable bounded(Throwable cause) {
        DeliveryFailure failure = DeliveryFailure.in(cause);
        if (failure != null) {
            return failure;
        }
        return new DeliveryFailure(cause.getMessage(), failureRetryable(cause), 0, null, cause);
    }

}

package dev.careloop.fhir.delivery;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** Waits between tries: exponential, capped, jittered, never shorter than the partner's Retry-After. */
class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));

    @RepeatedTest(20)
    void eachWaitIsBetweenHalfAndAllOfTheDoubledWaitUpToTheCap() {
        assertThat(backoff.after(1, null)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(backoff.after(3, null)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(backoff.after(10, null)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(backoff.after(500, null)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void aRetryAfterLongerThanTheBackoffWins() {
        assertThat(backoff.after(1, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.after(10, Duration.ofMillis(1))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

        assertThat(RetryAfter.parse("120", clock)).isEqualTo(Duration.ofMinutes(2));
        assertThat(RetryAfter.parse("Sun, 01 Mar 2026 10:00:30 GMT", clock)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Sun, 01 Mar 2026 09:00:00 GMT", clock)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", clock)).isNull();
        assertThat(RetryAfter.parse(null, clock)).isNull();
    }

    @Test
    void only408And429AndServerErrorsAreWorthAnotherTry() {
        assertThat(DeliveryFailure.isRetryable(408)).isTrue();
        assertThat(DeliveryFailure.isRetryable(429)).isTrue();
        assertThat(DeliveryFailure.isRetryable(500)).isTrue();
        assertThat(DeliveryFailure.isRetryable(503)).isTrue();
        assertThat(DeliveryFailure.isRetryable(400)).isFalse();
        assertThat(DeliveryFailure.isRetryable(404)).isFalse();
        assertThat(DeliveryFailure.isRetryable(409)).isFalse();
        assertThat(DeliveryFailure.isRetryable(422)).isFalse();
    }
}

package dev.careloop.fhir.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter: try n waits between half and all of min(max, initial * 2^(n-1)),
 * so partners recovering from an outage are not hit by every sender at once; a Retry-After the partner
 * asked for is a lower bound.
 */
record Backoff(Duration initial, Duration max) {

    /** The wait after the {@code failedTries}-th failed try (1-based). */
    Duration after(int failedTries, Duration retryAfter) {
        long cap = max.toMillis();
        long exponential = initial.toMillis() << Math.min(Math.max(failedTries - 1, 0), 30);
        long base = Math.min(cap, exponential < 0 ? cap : exponential);
        long jittered = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        Duration wait = Duration.ofMillis(jittered);
        return retryAfter != null && retryAfter.compareTo(wait) > 0 ? retryAfter : wait;
    }
}

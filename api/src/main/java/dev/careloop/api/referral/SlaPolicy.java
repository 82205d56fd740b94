package dev.careloop.api.referral;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How long the recipient has to triage a referral, by priority: the one place the REST API, the FHIR inbound path
 * and the demo data take a referral's deadline from, so a referral's SLA does not depend on how it arrived. The
 * application makes the one instance from {@code careloop.sla.*}.
 */
public final class SlaPolicy {
    /** The service levels when {@code careloop.sla.*} says nothing. */
    public static final Duration ROUTINE = Duration.ofDays(14);
    public static final Duration URGENT = Duration.ofDays(3);
    public static final Duration ASAP = Duration.ofDays(1);
    public static final Duration STAT = Duration.ofHours(4);

    private final Map<Priority, Duration> durations;
    private final Clock clock;

    public SlaPolicy(Duration routine, Duration urgent, Duration asap, Duration stat, Clock clock) {
        Map<Priority, Duration> byPriority = new EnumMap<>(Priority.class);
        byPriority.put(Priority.ROUTINE, Objects.requireNonNull(routine, "routine"));
        byPriority.put(Priority.URGENT, Objects.requireNonNull(urgent, "urgent"));
        byPriority.put(Priority.ASAP, Objects.requireNonNull(asap, "asap"));
        byPriority.put(Priority.STAT, Objects.requireNonNull(stat, "stat"));
        this.durations = Map.copyOf(byPriority);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The defaults, on the system clock. */
    public static SlaPolicy defaults() {
        return new SlaPolicy(ROUTINE, URGENT, ASAP, STAT, Clock.systemUTC());
    }

    /** The deadline of a referral received now. */
    public Instant dueAt(Priority priority) {
        return dueAt(priority, clock.instant());
    }

    /** The deadline of a referral received at {@code receivedAt} (a letter typed in later keeps its own). */
    public Instant dueAt(Priority priority, Instant receivedAt) {
        return receivedAt.plus(durations.get(priority));
    }

    /** How long a referral of {@code priority} may wait for triage. */
    public Duration of(Priority priority) {
        return durations.get(priority);
    }
}

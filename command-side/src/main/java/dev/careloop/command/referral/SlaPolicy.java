package dev.careloop.command.referral;

import dev.careloop.api.referral.Priority;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** How long the recipient has to triage a referral, by priority (careloop.sla.*). */
@Component
class SlaPolicy {
    private final Map<Priority, Duration> durations;
    private final Clock clock;

    SlaPolicy(@Value("${careloop.sla.routine:P14D}") Duration routine,
              @Value("${careloop.sla.urgent:P3D}") Duration urgent,
              @Value("${careloop.sla.asap:P1D}") Duration asap,
              @Value("${careloop.sla.stat:PT4H}") Duration stat) {
        this.durations = Map.of(Priority.ROUTINE, routine, Priority.URGENT, urgent, Priority.ASAP, asap,
                Priority.STAT, stat);
        this.clock = Clock.systemUTC();
    }

    Instant dueAt(Priority priority) {
        return clock.instant().plus(durations.get(priority));
    }
}

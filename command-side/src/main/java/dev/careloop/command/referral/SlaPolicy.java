package dev.careloop.command.referral;

import dev.careloop.api.referral.Priority;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * How long the recipient has to triage a referral, by priority (careloop.sla.*): the one place the REST API and the
 * demo data take a referral's deadline from (the FHIR inbound path reads the same settings, ReferralSlas).
 */
@Component
public class SlaPolicy {
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

package dev.careloop.fhir.inbound;

import dev.careloop.api.referral.Priority;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * When a referral received through FHIR must be triaged: the same service levels (careloop.sla.*) and the same
 * defaults as the REST API's, so a referral's SLA does not depend on how it arrived.
 */
@Component
class ReferralSlas {
    private final Map<Priority, Duration> durations;
    private final Clock clock = Clock.systemUTC();

    ReferralSlas(@Value("${careloop.sla.routine:P14D}") Duration routine,
                 @Value("${careloop.sla.urgent:P3D}") Duration urgent,
                 @Value("${careloop.sla.asap:P1D}") Duration asap,
                 @Value("${careloop.sla.stat:PT4H}") Duration stat) {
        this.durations = Map.of(Priority.ROUTINE, routine, Priority.URGENT, urgent, Priority.ASAP, asap,
                Priority.STAT, stat);
    }

    Instant dueAt(Priority priority) {
        return clock.instant().plus(durations.get(priority));
    }
}

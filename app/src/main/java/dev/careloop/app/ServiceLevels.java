package dev.careloop.app;

import dev.careloop.api.referral.SlaPolicy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.time.Duration;

/**
 * The one SlaPolicy of the process, from {@code careloop.sla.*}: the REST write API, the FHIR inbound path and the
 * demo data all date a referral's triage deadline with it, whichever sides this process runs.
 */
@Configuration(proxyBeanMethods = false)
class ServiceLevels {

    @Bean
    SlaPolicy slaPolicy(@Value("${careloop.sla.routine:#{null}}") Duration routine,
                        @Value("${careloop.sla.urgent:#{null}}") Duration urgent,
                        @Value("${careloop.sla.asap:#{null}}") Duration asap,
                        @Value("${careloop.sla.stat:#{null}}") Duration stat) {
        return new SlaPolicy(orElse(routine, SlaPolicy.ROUTINE), orElse(urgent, SlaPolicy.URGENT),
                orElse(asap, SlaPolicy.ASAP), orElse(stat, SlaPolicy.STAT), Clock.systemUTC());
    }

    private static Duration orElse(Duration configured, Duration fallback) {
        return configured == null ? fallback : configured;
    }
}

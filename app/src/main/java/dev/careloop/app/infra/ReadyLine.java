package dev.careloop.app.infra;

import dev.careloop.app.security.DemoOrganisations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one line a person running CareLoop waits for: where it answers, once it accepts traffic, and, with the
 * local profile's demo issuer, which clients to log in as and where their secret is written down.
 */
@Component
class ReadyLine {

    private static final Logger log = LoggerFactory.getLogger(ReadyLine.class);

    private final Environment environment;
    private final AtomicBoolean said = new AtomicBoolean();

    ReadyLine(Environment environment) {
        this.environment = environment;
    }

    @EventListener
    void onReadiness(AvailabilityChangeEvent<ReadinessState> change) {
        if (change.getState() == ReadinessState.ACCEPTING_TRAFFIC && said.compareAndSet(false, true)) {
            log.info(line(environment.getProperty("local.server.port", environment.getProperty("server.port", "8080")),
                    environment.matchesProfiles("local"), ManagementFactory.getRuntimeMXBean().getUptime()));
        }
    }

    static String line(String port, boolean demoLogins, long uptimeMillis) {
        String where = "CareLoop is ready at http://localhost:" + port + " (API /api, FHIR /fhir, API docs "
                + "/swagger-ui.html) after " + String.format(Locale.ROOT, "%.1f", uptimeMillis / 1000.0) + " s";
        if (!demoLogins) {
            return where;
        }
        List<String> clients = new ArrayList<>();
        DemoOrganisations.IDS.forEach(org -> clients.add(org + "-staff"));
        clients.add("careloop-admin");
        return where + "; demo logins (OAuth2 client credentials at /oauth2/token): " + String.join(", ", clients)
                + " and more, secret and full list in README.md, \"Demo data\"";
    }
}

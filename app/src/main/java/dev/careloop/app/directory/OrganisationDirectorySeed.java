package dev.careloop.app.directory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The organisation directory from configuration: every {@code careloop.organisations.<org>} with a {@code name}
 * is in the directory under that name, offering exactly its {@code services} (code and name), kept in step at each
 * start (a service taken out of the configuration leaves the directory). Organisations are never removed: a
 * referral may still name one. The local profile configures the three demo organisations (application-local.yml).
 */
@Component
class OrganisationDirectorySeed {

    private static final Logger log = LoggerFactory.getLogger(OrganisationDirectorySeed.class);

    /** The part of an organisation's settings the directory reads; its other settings are read elsewhere. */
    record OrganisationSettings(String name, List<Service> services) {
    }

    record Service(String code, String name) {
    }

    private final Map<String, OrganisationSettings> organisations;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    OrganisationDirectorySeed(Environment environment, JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.organisations = new TreeMap<>(Binder.get(environment)
                .bind("careloop.organisations", Bindable.mapOf(String.class, OrganisationSettings.class))
                .orElse(Map.of()));
        this.jdbc = jdbc;
        this.transactions = transactions;
        organisations.forEach((id, settings) -> {
            if (settings.services() != null) {
                settings.services().forEach(s -> {
                    if (s.code() == null || s.code().isBlank() || s.name() == null || s.name().isBlank()) {
                        throw new IllegalStateException("careloop.organisations." + id
                                + ".services: every service needs a code and a name");
                    }
                });
            }
        });
    }

    @EventListener(ApplicationReadyEvent.class)
    void seed() {
        organisations.forEach((id, settings) -> {
            if (settings.name() == null || settings.name().isBlank()) {
                return;
            }
            transactions.executeWithoutResult(tx -> {
                jdbc.update("""
                        INSERT INTO organisation (id, name) VALUES (?, ?)
                        ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name""", id, settings.name());
                jdbc.update("DELETE FROM organisation_service WHERE organisation_id = ?", id);
                List<Service> services = settings.services() == null ? List.of() : settings.services();
                services.forEach(s -> jdbc.update(
                        "INSERT INTO organisation_service (organisation_id, code, name) VALUES (?, ?, ?)",
                        id, s.code().trim(), s.name().trim()));
            });
            log.debug("organisation directory: {} offers {} service(s)", id,
                    settings.services() == null ? 0 : settings.services().size());
        });
    }
}

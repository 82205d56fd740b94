package dev.careloop.command.web;

import dev.careloop.api.Actor;
import dev.careloop.api.PatientIdentifierSystems;
import dev.careloop.command.rules.Rules;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The organisations CareLoop knows: referrals, records and appointments can only name them. Organisations are never
 * removed, so a known one is remembered; an unknown one is asked again (it may have been added since). Each names
 * patients only in its own identifier systems. What each offers is remembered for
 * {@code careloop.directory.services-cache} (30 s): every referral sent asks it.
 */
@Component
public class Organisations {
    private final JdbcTemplate jdbc;
    private final PatientIdentifierSystems identifierSystems;
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final Map<String, Offered> services = new ConcurrentHashMap<>();
    private final Duration servicesFor;
    private final Clock clock;

    /** An organisation's services (code, name) as the directory listed them at {@code at}. */
    private record Offered(List<String[]> services, Instant at) {
    }

    @Autowired
    Organisations(JdbcTemplate jdbc, PatientIdentifierSystems identifierSystems,
                  @Value("${careloop.directory.services-cache:PT30S}") Duration servicesFor) {
        this(jdbc, identifierSystems, servicesFor, Clock.systemUTC());
    }

    Organisations(JdbcTemplate jdbc, PatientIdentifierSystems identifierSystems, Duration servicesFor, Clock clock) {
        this.jdbc = jdbc;
        this.identifierSystems = identifierSystems;
        this.servicesFor = servicesFor;
        this.clock = clock;
    }

    /** 400 on {@code patient.identifierSystem} unless the actor's organisation owns the system it names. */
    public void requireOwnIdentifierSystem(Actor actor, PatientRequest patient) {
        if (patient == null || patient.identifierSystem() == null) {
            return;
        }
        Rules.require(identifierSystems.owns(actor.organisation(), patient.identifierSystem()),
                "patient.identifierSystem", identifierSystems.refusal(actor.organisation(),
                        patient.identifierSystem()));
    }

    public void requireKnown(String field, String organisation) {
        if (known.contains(organisation)) {
            return;
        }
        Boolean exists = jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM organisation WHERE id = ?)",
                Boolean.class, organisation);
        Rules.require(Boolean.TRUE.equals(exists), field, "unknown organisation '" + organisation + "'");
        known.add(organisation);
    }

    /**
     * 400 on {@code field} unless {@code organisation} offers {@code service} (its code or its name, in any case) in
     * the organisation directory. An organisation the directory lists no services for takes any service, as every
     * organisation did before the directory (the directory's services come from configuration: docs/API.md,
     * "The organisation directory"). The directory changes with configuration: what it lists is remembered for
     * {@code careloop.directory.services-cache} only.
     */
    public void requireOffers(String field, String organisation, String service) {
        List<String[]> offered = offeredBy(organisation);
        if (offered.isEmpty() || service == null) {
            return;
        }
        String wanted = service.trim();
        boolean offers = offered.stream().anyMatch(s -> s[0].equalsIgnoreCase(wanted) || s[1].equalsIgnoreCase(wanted));
        Rules.require(offers, field, organisation + " does not offer '" + wanted + "'; it offers "
                + String.join(", ", offered.stream().map(s -> s[1] + " (" + s[0] + ")").sorted().toList()));
    }

    private List<String[]> offeredBy(String organisation) {
        Instant now = clock.instant();
        Offered cached = services.get(organisation);
        if (cached != null && cached.at().plus(servicesFor).isAfter(now)) {
            return cached.services();
        }
        List<String[]> offered = List.copyOf(jdbc.query(
                "SELECT code, name FROM organisation_service WHERE organisation_id = ?",
                (rs, i) -> new String[]{rs.getString("code"), rs.getString("name")}, organisation));
        services.put(organisation, new Offered(offered, now));
        return offered;
    }
}

package dev.careloop.command.web;

import dev.careloop.api.Actor;
import dev.careloop.api.PatientIdentifierSystems;
import dev.careloop.command.rules.Rules;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The organisations CareLoop knows: referrals, records and appointments can only name them. Organisations are never
 * removed, so a known one is remembered; an unknown one is asked again (it may have been added since). Each names
 * patients only in its own identifier systems.
 */
@Component
public class Organisations {
    private final JdbcTemplate jdbc;
    private final PatientIdentifierSystems identifierSystems;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    Organisations(JdbcTemplate jdbc, PatientIdentifierSystems identifierSystems) {
        this.jdbc = jdbc;
        this.identifierSystems = identifierSystems;
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
}

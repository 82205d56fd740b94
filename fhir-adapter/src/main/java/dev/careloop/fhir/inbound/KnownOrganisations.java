package dev.careloop.fhir.inbound;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The organisations CareLoop knows (the organisation table): a partner can only refer to one of them. */
@Component
class KnownOrganisations {
    private final JdbcTemplate jdbc;
    /** Organisations are never removed: a known one is remembered, an unknown one asked again. */
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    KnownOrganisations(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    boolean contains(String organisation) {
        if (organisation == null) {
            return false;
        }
        if (known.contains(organisation)) {
            return true;
        }
        Boolean exists = jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM organisation WHERE id = ?)",
                Boolean.class, organisation);
        if (Boolean.TRUE.equals(exists)) {
            known.add(organisation);
            return true;
        }
        return false;
    }
}

package dev.careloop.query.person;

import dev.careloop.query.replay.RowTable;

import java.time.Instant;
import java.util.List;

import static dev.careloop.query.replay.RowValues.instant;
import static dev.careloop.query.replay.RowValues.strings;

/** A person who acted for an organisation: the name and roles of their latest event there, and when that was. */
record PersonSeen(String organisation, String subject, String name, List<String> roles, Instant lastActedAt) {

    static final RowTable<PersonSeen> TABLE = RowTable.<PersonSeen>named("person_seen")
            .column("organisation_id", PersonSeen::organisation)
            .column("subject", PersonSeen::subject)
            .column("name", PersonSeen::name)
            .textArray("roles", PersonSeen::roles)
            .column("last_acted_at", PersonSeen::lastActedAt)
            .key("organisation_id", "subject")
            .reader(rs -> new PersonSeen(rs.getString("organisation_id"), rs.getString("subject"),
                    rs.getString("name"), strings(rs.getArray("roles")), instant(rs, "last_acted_at")));

    PersonSeen {
        roles = List.copyOf(roles);
    }
}

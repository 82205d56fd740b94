package dev.careloop.app.security;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The local issuer's persons in the persons directory (person_known, GET /api/persons), kept in step at each start:
 * a person taken out of the configuration leaves it. So a clinician can be assigned work before they first act.
 */
@Component
@Profile("local")
class DemoPersonsDirectory {

    private final DemoPersons persons;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    DemoPersonsDirectory(DemoPersons persons, JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.persons = persons;
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    @EventListener(ApplicationReadyEvent.class)
    void seed() {
        // Another node starting at the same time writes the same rows: the upsert lets both succeed.
        transactions.executeWithoutResult(tx -> {
            jdbc.update("DELETE FROM person_known");
            for (DemoPersons.Person p : persons.people()) {
                jdbc.update("INSERT INTO person_known (organisation_id, subject, name, title, roles) "
                                + "VALUES (?, ?, ?, ?, ?::text[]) ON CONFLICT (organisation_id, subject) DO UPDATE SET "
                                + "name = EXCLUDED.name, title = EXCLUDED.title, roles = EXCLUDED.roles", p.organisation(), p.username(), p.name(),
                        p.title(), p.roles().toArray(String[]::new));
            }
        });
    }
}

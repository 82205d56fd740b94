package dev.careloop.command.referral;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The organisations CareLoop knows: a referral can only go to one of them. */
@Component
class Organisations {
    private final JdbcTemplate jdbc;

    Organisations(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void requireKnown(String field, String organisation) {
        Boolean known = jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM organisation WHERE id = ?)",
                Boolean.class, organisation);
        Rules.require(Boolean.TRUE.equals(known), field, "unknown organisation '" + organisation + "'");
    }
}

package dev.careloop.query.audit;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.OptionalLong;

/**
 * An event's position in the log, for {@link AuditProjection}: from its tracking token, as every message a
 * processor hands over carries one; only a dead letter's retry, which may come without it, has it read from the
 * event store. Reads only: the projection still writes nothing but through its stores.
 */
@Component
class LogPositions {

    private final JdbcTemplate jdbc;

    LogPositions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    long of(EventMessage<?> message) {
        if (message instanceof TrackedEventMessage<?> tracked && tracked.trackingToken() != null) {
            OptionalLong position = tracked.trackingToken().position();
            if (position.isPresent()) {
                return position.getAsLong();
            }
        }
        Long index = jdbc.queryForObject("SELECT global_index FROM domain_event_entry WHERE event_identifier = ?",
                Long.class, message.getIdentifier());
        return index == null ? -1 : index;
    }
}

package dev.careloop.query.audit;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.WrappedToken;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;

/**
 * An event's own position in the log (its global index), for {@link AuditProjection}. Not the processor's token:
 * a gap-aware token's position is the highest position reached, so an event that committed late (filling a gap)
 * carries a later event's position, and the same token can follow an event at its own position or a gap fill below
 * it. Only a token with one event per position (a global sequence) says it exactly; otherwise the position is read
 * from the event store by the event's identifier (its unique index). Reads only.
 */
@Component
class LogPositions {

    private final JdbcTemplate jdbc;

    LogPositions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    long of(EventMessage<?> message) {
        if (message instanceof TrackedEventMessage<?> tracked && tracked.trackingToken() != null) {
            Optional<GlobalSequenceTrackingToken> sequence = WrappedToken.unwrap(tracked.trackingToken(),
                    GlobalSequenceTrackingToken.class);
            if (sequence.isPresent()) {
                return sequence.get().getGlobalIndex();
            }
        }
        List<Long> index = jdbc.queryForList("SELECT global_index FROM domain_event_entry WHERE event_identifier = ?",
                Long.class, message.getIdentifier());
        if (index.isEmpty()) {
            // Never a made-up position: the event is dead-lettered and its entry written when it can be.
            throw new IllegalStateException("event " + message.getIdentifier() + " is not in the log");
        }
        return index.get(0);
    }
}

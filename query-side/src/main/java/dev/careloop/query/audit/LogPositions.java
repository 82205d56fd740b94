package dev.careloop.query.audit;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An event's own position in the log (its global index), for {@link AuditProjection}. Not the processor's token:
 * a gap-aware token's position is the highest position reached, so an event that committed late (filling a gap)
 * carries a later event's position, and the same token can follow an event at its own position or a gap fill below
 * it. Only a token with one event per position (a global sequence) says it exactly; otherwise the position is read
 * from the event store by the event's identifier (its unique index): in a processor's batch, the positions of all
 * the batch's events in one statement the first time one is asked for (issue 19: a statement per event before).
 * Reads only.
 */
@Component
class LogPositions {

    private static final String BATCH = LogPositions.class.getName() + ".batch";

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
        Long inBatch = ofBatch().get(message.getIdentifier());
        if (inBatch != null) {
            return inBatch;
        }
        List<Long> index = jdbc.queryForList("SELECT global_index FROM domain_event_entry WHERE event_identifier = ?",
                Long.class, message.getIdentifier());
        if (index.isEmpty()) {
            // Never a made-up position: the event is dead-lettered and its entry written when it can be.
            throw new IllegalStateException("event " + message.getIdentifier() + " is not in the log");
        }
        return index.get(0);
    }

    /** The positions of the events of the batch being handled, read once per batch; empty outside a batch. */
    @SuppressWarnings("unchecked")
    private Map<String, Long> ofBatch() {
        if (!CurrentUnitOfWork.isStarted()) {
            return Map.of();
        }
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        if (!(root instanceof BatchingUnitOfWork<?> batch) || batch.getMessages().size() < 2) {
            return Map.of();
        }
        return (Map<String, Long>) root.resources().computeIfAbsent(BATCH, k -> read(batch.getMessages()));
    }

    private Map<String, Long> read(List<? extends Message<?>> messages) {
        String[] ids = messages.stream().map(Message::getIdentifier).distinct().toArray(String[]::new);
        Map<String, Long> positions = new HashMap<>();
        jdbc.query("SELECT event_identifier, global_index FROM domain_event_entry WHERE event_identifier = ANY(?)",
                row -> {
                    positions.put(row.getString(1), row.getLong(2));
                }, (Object) ids);
        return positions;
    }
}

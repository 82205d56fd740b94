package dev.careloop.query.audit;

import dev.careloop.query.ReadModelDatabase;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An event's own position in the log, where the processor's gap-aware token cannot say it: read from the log, in a
 * batch once for all its events.
 */
class LogPositionsTest {

    private final JdbcTemplate jdbc = ReadModelDatabase.jdbc();
    private final AtomicLong statements = new AtomicLong();
    private LogPositions positions;

    @BeforeEach
    void log() {
        // The log's two columns this reads (the event store's own table is not in the read models' database).
        jdbc.execute("CREATE TABLE IF NOT EXISTS domain_event_entry (global_index bigint PRIMARY KEY, "
                + "event_identifier text NOT NULL UNIQUE)");
        jdbc.update("DELETE FROM domain_event_entry");
        JdbcTemplate counting = new JdbcTemplate(jdbc.getDataSource()) {
            @Override
            public <T> List<T> queryForList(String sql, Class<T> type, Object... args) {
                statements.incrementAndGet();
                return super.queryForList(sql, type, args);
            }

            @Override
            public void query(String sql, RowCallbackHandler handler, Object... args) {
                statements.incrementAndGet();
                super.query(sql, handler, args);
            }
        };
        positions = new LogPositions(counting);
    }

    @AfterEach
    void noUnitOfWorkLeft() {
        while (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().rollback();
        }
    }

    /** An event stored at {@code index}, as a tracking processor hands it: with a token past a gap below it. */
    private TrackedEventMessage<?> stored(long index, String id) {
        jdbc.update("INSERT INTO domain_event_entry (global_index, event_identifier) VALUES (?, ?)", index, id);
        // The token reached 10 with 3 still a gap: it cannot say which position the event itself holds.
        return new GenericTrackedEventMessage<>(GapAwareTrackingToken.newInstance(10, Set.of(3L)),
                new GenericEventMessage<>(id, "event " + id, org.axonframework.messaging.MetaData.emptyInstance(),
                        java.time.Instant.now()));
    }

    @Test
    void inABatchThePositionsOfAllItsEventsAreReadInOneStatement() {
        List<EventMessage<?>> batch = new ArrayList<>(List.of(stored(4, "e-4"), stored(9, "e-9"), stored(3, "e-3")));
        BatchingUnitOfWork<EventMessage<?>> unitOfWork = new BatchingUnitOfWork<>(batch);
        unitOfWork.start();

        List<Long> found = batch.stream().map(positions::of).toList();
        unitOfWork.commit();

        assertThat(found).containsExactly(4L, 9L, 3L);
        assertThat(statements.get()).isEqualTo(1);
    }

    @Test
    void outsideABatchEachEventIsReadOnItsOwnAndAnEventNotInTheLogIsNeverGivenAPosition() {
        TrackedEventMessage<?> first = stored(4, "e-4");
        TrackedEventMessage<?> second = stored(9, "e-9");

        assertThat(positions.of(first)).isEqualTo(4L);
        assertThat(positions.of(second)).isEqualTo(9L);
        assertThat(statements.get()).isEqualTo(2);

        TrackedEventMessage<?> missing = new GenericTrackedEventMessage<>(GapAwareTrackingToken.newInstance(10,
                Set.of()), GenericEventMessage.asEventMessage("not stored"));
        assertThatThrownBy(() -> positions.of(missing)).hasMessageContaining("is not in the log");
    }

    @Test
    void anEventOfABatchMissingFromTheLogIsNotGivenAPositionEither() {
        TrackedEventMessage<?> stored = stored(5, "e-5");
        TrackedEventMessage<?> missing = new GenericTrackedEventMessage<>(GapAwareTrackingToken.newInstance(10,
                Set.of()), GenericEventMessage.asEventMessage("not stored"));
        BatchingUnitOfWork<EventMessage<?>> unitOfWork = new BatchingUnitOfWork<>(List.of(stored, missing));
        unitOfWork.start();

        assertThat(positions.of(stored)).isEqualTo(5L);
        assertThatThrownBy(() -> positions.of(missing)).hasMessageContaining("is not in the log");
        unitOfWork.rollback();
    }
}

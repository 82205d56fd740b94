package dev.careloop.app.nodes;

import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A processor no request waits for, once caught up, starts a batch at most once per window, so the events committed
 * meanwhile share one transaction; a backlog is read without waiting.
 */
class GatheredEventsTest {

    private static final Duration WINDOW = Duration.ofMillis(200);
    private static final int BATCH_SIZE = 3;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Long> pauses = new ArrayList<>();
    private final Log log = new Log();
    private final BlockingStream<TrackedEventMessage<?>> stream = new GatheredEvents(log, WINDOW, now::get, nanos -> {
        pauses.add(nanos);
        now.addAndGet(nanos);
        if (log.duringPause != null) {
            log.commit(log.duringPause);
            log.duringPause = null;
        }
    }).openStream(null);

    /** What a tracking processor does for one batch: ask once (with a timeout), then take what is there. */
    private List<Long> batch() throws InterruptedException {
        List<Long> taken = new ArrayList<>();
        if (!stream.hasNextAvailable(1000, TimeUnit.MILLISECONDS)) {
            return taken;
        }
        taken.add(position(stream.nextAvailable()));
        while (taken.size() < BATCH_SIZE && stream.peek().isPresent()) {
            taken.add(position(stream.nextAvailable()));
        }
        return taken;
    }

    private void elapse(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void theFirstEventAfterAQuietSpellIsHandledAtOnce() throws InterruptedException {
        log.commit(1);

        assertThat(batch()).containsExactly(1L);
        assertThat(pauses).isEmpty();
    }

    @Test
    void aCaughtUpSegmentWaitsOutTheWindowSoThatTheNextCommandsShareABatch() throws InterruptedException {
        log.commit(1);
        assertThat(batch()).containsExactly(1L);

        elapse(50);
        log.commit(2);
        log.commitDuringNextPause(3);

        assertThat(batch()).containsExactly(2L, 3L);
        assertThat(pauses).containsExactly(TimeUnit.MILLISECONDS.toNanos(150));
    }

    @Test
    void aSegmentWithABacklogReadsOnWithoutWaiting() throws InterruptedException {
        for (long position = 1; position <= 7; position++) {
            log.commit(position);
        }

        assertThat(batch()).containsExactly(1L, 2L, 3L);
        assertThat(batch()).containsExactly(4L, 5L, 6L);
        assertThat(batch()).containsExactly(7L);
        assertThat(pauses).isEmpty();
    }

    @Test
    void aBatchLongerThanTheWindowIsFollowedAtOnce() throws InterruptedException {
        log.commit(1);
        assertThat(batch()).containsExactly(1L);

        elapse(250);
        log.commit(2);

        assertThat(batch()).containsExactly(2L);
        assertThat(pauses).isEmpty();
    }

    @Test
    void noWindowReadsTheLogAsItIs() {
        BlockingStream<TrackedEventMessage<?>> read = new GatheredEvents(log, Duration.ZERO).openStream(null);

        assertThat(read).isSameAs(log.opened.get(log.opened.size() - 1));
    }

    private static long position(TrackedEventMessage<?> event) {
        return event.trackingToken().position().orElseThrow();
    }

    /** The log: events committed so far, and one that commits while the reader pauses. */
    private final class Log implements StreamableMessageSource<TrackedEventMessage<?>> {
        final Deque<TrackedEventMessage<?>> committed = new ArrayDeque<>();
        final List<BlockingStream<TrackedEventMessage<?>>> opened = new ArrayList<>();
        Long duringPause;

        void commit(long position) {
            committed.add(new GenericTrackedEventMessage<>(new GlobalSequenceTrackingToken(position),
                    GenericEventMessage.asEventMessage("event " + position)));
        }

        void commitDuringNextPause(long position) {
            duringPause = position;
        }

        @Override
        public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken token) {
            BlockingStream<TrackedEventMessage<?>> stream = new BlockingStream<>() {
                @Override
                public Optional<TrackedEventMessage<?>> peek() {
                    return Optional.ofNullable(committed.peek());
                }

                @Override
                public boolean hasNextAvailable(int timeout, TimeUnit unit) {
                    return !committed.isEmpty();
                }

                @Override
                public TrackedEventMessage<?> nextAvailable() {
                    return committed.remove();
                }

                @Override
                public void close() {
                }
            };
            opened.add(stream);
            return stream;
        }

        @Override
        public TrackingToken createTailToken() {
            return null;
        }

        @Override
        public TrackingToken createHeadToken() {
            return null;
        }

        @Override
        public TrackingToken createTokenAt(Instant dateTime) {
            return null;
        }
    }
}

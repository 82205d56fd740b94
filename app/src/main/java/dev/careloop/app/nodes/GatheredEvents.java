package dev.careloop.app.nodes;

import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The event store as the projections other than the record view read it (issue 19): a segment that has
 * caught up with the log starts its next batch at most once every {@code window}, so the events that commit
 * meanwhile, from however many commands, are handled in one transaction with one token write instead of one
 * transaction each. The first event after a quiet spell is handled at once; a segment with a backlog (its last batch
 * ended full, not at the head) reads on without waiting. Tracking processors ask
 * {@link BlockingStream#hasNextAvailable(int, TimeUnit)} once per batch and then take what is already there; the wait
 * is spent in that first question.
 */
public final class GatheredEvents implements StreamableMessageSource<TrackedEventMessage<?>> {

    private final StreamableMessageSource<TrackedEventMessage<?>> source;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final Pause pause;

    /** Waits the given nanoseconds (a test's clock moves instead). */
    interface Pause {
        void nanos(long nanos) throws InterruptedException;
    }

    public GatheredEvents(StreamableMessageSource<TrackedEventMessage<?>> source, Duration window) {
        this(source, window, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    GatheredEvents(StreamableMessageSource<TrackedEventMessage<?>> source, Duration window, LongSupplier nanoTime,
                   Pause pause) {
        this.source = source;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
        this.pause = pause;
    }

    @Override
    public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken trackingToken) {
        BlockingStream<TrackedEventMessage<?>> stream = source.openStream(trackingToken);
        return windowNanos <= 0 ? stream : new Gathering(stream);
    }

    @Override
    public TrackingToken createTailToken() {
        return source.createTailToken();
    }

    @Override
    public TrackingToken createHeadToken() {
        return source.createHeadToken();
    }

    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        return source.createTokenAt(dateTime);
    }

    @Override
    public TrackingToken createTokenSince(Duration duration) {
        return source.createTokenSince(duration);
    }

    /** One segment's stream: remembers when its last batch began and whether that batch reached the head. */
    private final class Gathering implements BlockingStream<TrackedEventMessage<?>> {
        private final BlockingStream<TrackedEventMessage<?>> stream;
        /** Only the processor's own thread uses a stream. */
        private boolean atHead = true;
        private long batchBegan = nanoTime.getAsLong() - windowNanos;

        Gathering(BlockingStream<TrackedEventMessage<?>> stream) {
            this.stream = stream;
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            if (!stream.hasNextAvailable(timeout, unit)) {
                return false;
            }
            if (atHead) {
                long gather = batchBegan + windowNanos - nanoTime.getAsLong();
                if (gather > 0) {
                    pause.nanos(gather);
                }
            }
            atHead = false;
            batchBegan = nanoTime.getAsLong();
            return true;
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            Optional<TrackedEventMessage<?>> next = stream.peek();
            if (next.isEmpty()) {
                atHead = true;
            }
            return next;
        }

        @Override
        public boolean hasNextAvailable() {
            return stream.hasNextAvailable();
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            return stream.nextAvailable();
        }

        @Override
        public void close() {
            stream.close();
        }

        @Override
        public void skipMessagesWithPayloadTypeOf(TrackedEventMessage<?> ignoredMessage) {
            stream.skipMessagesWithPayloadTypeOf(ignoredMessage);
        }

        @Override
        public boolean setOnAvailableCallback(Runnable callback) {
            return stream.setOnAvailableCallback(callback);
        }
    }
}

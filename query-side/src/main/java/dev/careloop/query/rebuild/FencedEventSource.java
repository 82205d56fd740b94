package dev.careloop.query.rebuild;

import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The event store as the rebuild processor sees it: the same stream, except that once a fence is set, events after
 * it are held back. With the live processors stopped and the fence at the head, every segment of the rebuild ends on
 * the same event, so the rebuilt tables reflect exactly the log up to the fence and the live processors can go on
 * from there.
 */
final class FencedEventSource implements StreamableMessageSource<TrackedEventMessage<?>> {

    private final StreamableMessageSource<TrackedEventMessage<?>> source;
    private volatile long fence = Long.MAX_VALUE;

    FencedEventSource(StreamableMessageSource<TrackedEventMessage<?>> source) {
        this.source = source;
    }

    void fenceAt(long position) {
        fence = position;
    }

    @Override
    public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken trackingToken) {
        return new Fenced(source.openStream(trackingToken));
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

    private boolean within(TrackedEventMessage<?> event) {
        return event.trackingToken().position().orElse(Long.MIN_VALUE) <= fence;
    }

    private final class Fenced implements BlockingStream<TrackedEventMessage<?>> {
        private final BlockingStream<TrackedEventMessage<?>> stream;

        Fenced(BlockingStream<TrackedEventMessage<?>> stream) {
            this.stream = stream;
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            return stream.peek().filter(FencedEventSource.this::within);
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            if (!stream.hasNextAvailable(timeout, unit)) {
                return false;
            }
            if (stream.peek().map(FencedEventSource.this::within).orElse(false)) {
                return true;
            }
            // Past the fence: nothing more for this stream; wait out the caller's timeout instead of spinning.
            unit.sleep(Math.min(timeout, unit.convert(100, TimeUnit.MILLISECONDS)));
            return false;
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            while (!hasNextAvailable(100, TimeUnit.MILLISECONDS)) {
                // Only reached when a caller takes without asking first; wait for an event within the fence.
            }
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

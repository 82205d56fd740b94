package dev.careloop.query.rebuild;

import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.EventUtils;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.postgresql.PGStatement;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Folds the log, as one consistent snapshot, through a set of event handlers in log order: the bulk part of a
 * rebuild. One thread streams the rows of domain_event_entry up to the head of the snapshot; a small pool turns
 * chunks of them into messages exactly as Axon's storage engine does (the same serializer, upcasters and message
 * types), deserializing in parallel; the calling thread hands each message to every handler, in order.
 *
 * <p>The result is where a tracking processor takes over: the head of the snapshot, with the positions below it
 * that the snapshot did not hold (appends still in flight when it was taken) as gaps, so that the processor
 * handles those if they commit.
 */
final class LogFold {

    /** Within this distance of the head, a missing position is a gap to watch, as Axon's own engine counts them. */
    private static final int MAX_GAP_OFFSET = 10_000;
    private static final int CHUNK = 1_000;
    private static final int FETCH_SIZE = 2_000;

    /** How far the fold got. */
    record Result(long head, SortedSet<Long> gaps, long events) {

        TrackingToken token() {
            return GapAwareTrackingToken.newInstance(head, gaps);
        }
    }

    private final DataSource dataSource;
    private final Serializer serializer;
    private final EventUpcaster upcasters;
    private final int decoders;

    LogFold(DataSource dataSource, Serializer serializer, EventUpcaster upcasters, int decoders) {
        this.dataSource = dataSource;
        this.serializer = serializer;
        this.upcasters = upcasters;
        this.decoders = Math.max(1, decoders);
    }

    /**
     * Hands every event of the log, oldest first, to each handler in turn; {@code progress} hears the position of
     * each chunk handled. A handler that throws stops the fold.
     */
    Result fold(List<EventMessageHandler> handlers, LongConsumer progress) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(decoders, RebuildThreads.named("rebuild-decoder"));
        BlockingQueue<Future<List<TrackedEventMessage<?>>>> chunks = new ArrayBlockingQueue<>(decoders * 4);
        Reader reader = new Reader(pool, chunks);
        Thread readerThread = RebuildThreads.named("rebuild-reader").newThread(reader);
        readerThread.start();
        long events = 0;
        try {
            while (true) {
                Future<List<TrackedEventMessage<?>>> chunk = chunks.take();
                if (chunk == Reader.END) {
                    break;
                }
                List<TrackedEventMessage<?>> messages = get(chunk);
                for (TrackedEventMessage<?> message : messages) {
                    for (EventMessageHandler handler : handlers) {
                        handler.handle(message);
                    }
                }
                events += messages.size();
                if (!messages.isEmpty()) {
                    progress.accept(messages.get(messages.size() - 1).trackingToken().position().orElse(0));
                }
            }
            readerThread.join();
            if (reader.failure != null) {
                throw reader.failure;
            }
            return new Result(reader.head, reader.gaps, events);
        } finally {
            reader.stop = true;
            readerThread.interrupt();
            pool.shutdownNow();
        }
    }

    private static <T> T get(Future<T> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Streams the snapshot's rows in chunks, each decoded on the pool; ends the queue with {@link #END}. */
    private final class Reader implements Runnable {
        static final Future<List<TrackedEventMessage<?>>> END = CompletableFuture.completedFuture(List.of());

        private final ExecutorService pool;
        private final BlockingQueue<Future<List<TrackedEventMessage<?>>>> chunks;
        private final SortedSet<Long> gaps = new TreeSet<>();
        private volatile boolean stop;
        private volatile Exception failure;
        private long head;

        Reader(ExecutorService pool, BlockingQueue<Future<List<TrackedEventMessage<?>>>> chunks) {
            this.pool = pool;
            this.chunks = chunks;
        }

        @Override
        public void run() {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                c.setReadOnly(true);
                // One snapshot for the head and every row below it.
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                try {
                    read(c);
                } finally {
                    c.rollback();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failure = e;
            } finally {
                try {
                    chunks.put(END);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void read(Connection c) throws SQLException, InterruptedException {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT coalesce(max(global_index), 0) FROM domain_event_entry"); ResultSet rs = s.executeQuery()) {
                rs.next();
                head = rs.getLong(1);
            }
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT global_index, type, aggregate_identifier, sequence_number, event_identifier, time_stamp,
                        payload_type, payload_revision, payload, meta_data
                    FROM domain_event_entry WHERE global_index <= ? ORDER BY global_index""")) {
                s.setFetchSize(FETCH_SIZE);
                // Server-prepared from the first run, so that payloads come as binary bytea rather than hex text.
                s.unwrap(PGStatement.class).setPrepareThreshold(-1);
                s.setLong(1, head);
                try (ResultSet rs = s.executeQuery()) {
                    List<TrackedEventData<?>> chunk = new ArrayList<>(CHUNK);
                    long expected = 1;
                    while (!stop && rs.next()) {
                        long index = rs.getLong(1);
                        for (long missing = Math.max(expected, head - MAX_GAP_OFFSET + 1); missing < index; missing++) {
                            gaps.add(missing);
                        }
                        expected = index + 1;
                        TrackingToken position = GapAwareTrackingToken.newInstance(index, new TreeSet<>());
                        chunk.add(new TrackedDomainEventData<>(position, new StoredEvent(rs.getString(2),
                                rs.getString(3), rs.getLong(4), rs.getString(5), rs.getString(6), rs.getString(7),
                                rs.getString(8), rs.getBytes(9), rs.getBytes(10))));
                        if (chunk.size() == CHUNK) {
                            submit(chunk);
                            chunk = new ArrayList<>(CHUNK);
                        }
                    }
                    submit(chunk);
                }
            }
        }

        private void submit(List<TrackedEventData<?>> chunk) throws InterruptedException {
            if (!chunk.isEmpty()) {
                chunks.put(pool.submit(() -> decode(chunk)));
            }
        }
    }

    /** A stored event as Axon's engine reads it, with its timestamp read by hand where it has Axon's usual shape. */
    private static final class StoredEvent extends GenericDomainEventEntry<byte[]> {
        private final String timestamp;

        StoredEvent(String type, String aggregateIdentifier, long sequenceNumber, String eventIdentifier,
                    String timestamp, String payloadType, String payloadRevision, byte[] payload, byte[] metaData) {
            super(type, aggregateIdentifier, sequenceNumber, eventIdentifier, timestamp, payloadType, payloadRevision,
                    payload, metaData);
            this.timestamp = timestamp;
        }

        @Override
        public Instant getTimestamp() {
            Instant parsed = IsoInstants.parse(timestamp);
            return parsed != null ? parsed : super.getTimestamp();
        }
    }

    /** Axon's own deserialization of stored events, forced here so that the pool rather than the fold pays for it. */
    private List<TrackedEventMessage<?>> decode(List<TrackedEventData<?>> chunk) {
        List<TrackedEventMessage<?>> messages = EventUtils.upcastAndDeserializeTrackedEvents(chunk.stream(), serializer,
                upcasters).toList();
        for (TrackedEventMessage<?> message : messages) {
            message.getPayload();
            message.getMetaData();
            message.getTimestamp();
        }
        return messages;
    }
}

package dev.careloop.app.access;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.access.AccessLog;
import dev.careloop.api.access.AccessNotRecorded;
import dev.careloop.api.access.ReadAccess;
import dev.careloop.plumbing.DatabaseOutage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The access log's writer: group commit off the request path. A read enqueues its entry in a bounded buffer and
 * waits; one writer thread per process takes whatever is queued (up to {@code careloop.access-log.batch-size}),
 * inserts it in one transaction (the chain trigger takes its lock once per batch) and, once committed, releases
 * every read of the batch. So an answered read is always a committed entry (a killed process loses only entries of
 * reads it had not answered), and a thousand concurrent reads cost a handful of commits, not a thousand. By default
 * PostgreSQL confirms that commit before flushing it to disk ({@code careloop.access-log.synchronous-commit=false}:
 * the WAL writer flushes it within 3 x wal_writer_delay), because the flush, not the insert, is what a read would
 * wait for (docs/ACCESS.md, "The access log's guarantee": 0.81x against 0.63x the reads without accounting);
 * {@code true} waits for the flush as well.
 * Back-pressure, never a silent drop: a read that finds the buffer full waits for room, and a read whose entry is
 * not committed within {@code careloop.access-log.max-wait} (buffer full, database slow or down) is not answered:
 * {@link AccessNotRecorded}, a 503 with Retry-After, counted in {@code careloop.access_log.refused}.
 */
@Component
class AccessLogWriter implements AccessLog, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(AccessLogWriter.class);

    /**
     * The whole batch in one statement: one array per column, unnested in the batch's order (the chain trigger gives
     * each row its position in that order). Each row's returned ids travel as one array literal ({@link #idsLiteral}).
     */
    static final String INSERT = """
            INSERT INTO access_entry (accessed_at, request_id, user_id, user_name, client, organisation, roles,
                purpose_of_use, channel, action, resource_type, resource_id, query, query_digest, returned_ids,
                patient_id, allowed, reason, position, entry_hash, chain_hash)
            SELECT e.accessed_at::timestamptz, e.request_id, e.user_id, e.user_name, e.client, e.organisation, e.roles,
                e.purpose_of_use, e.channel, e.action, e.resource_type, e.resource_id, e.query, ''::bytea,
                e.returned_ids::text[], e.patient_id, e.allowed, e.reason, 0, ''::bytea, ''::bytea
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::text[])
                WITH ORDINALITY AS e(accessed_at, request_id, user_id, user_name, client, organisation, roles,
                    purpose_of_use, channel, action, resource_type, resource_id, query, returned_ids, patient_id,
                    allowed, reason, n)
            ORDER BY e.n""";

    /**
     * {@link #INSERT} whose transaction (the statement's own, autocommitted) commits without waiting for its WAL to be
     * flushed: {@code set_config(..., true)} lasts until that commit, then the session's setting is back.
     */
    static final String INSERT_NOT_FLUSHED = INSERT.replace("ORDER BY e.n",
            "WHERE (SELECT set_config('synchronous_commit', 'off', true)) = 'off' ORDER BY e.n");

    /** One read waiting for its entry's commit. */
    private record Pending(ReadAccess access, Instant at, String requestId, CompletableFuture<Void> committed) {
    }

    private final DataSource dataSource;
    private final boolean enabled;
    private final BlockingQueue<Pending> buffer;
    private final int batchSize;
    private final Duration maxWait;
    private final Clock clock = Clock.systemUTC();
    private final boolean waitForCommit;
    private final boolean synchronousCommit;
    private final Counter refused;
    private final Counter lost;
    private final Thread writer;
    private volatile boolean running = true;

    AccessLogWriter(DataSource dataSource, MeterRegistry meters,
                    @Value("${careloop.access-log.enabled:true}") boolean enabled,
                    @Value("${careloop.access-log.buffer:10000}") int capacity,
                    @Value("${careloop.access-log.batch-size:500}") int batchSize,
                    @Value("${careloop.access-log.max-wait:PT5S}") Duration maxWait,
                    @Value("${careloop.access-log.wait-for-commit:true}") boolean waitForCommit,
                    @Value("${careloop.access-log.synchronous-commit:false}") boolean synchronousCommit) {
        this.dataSource = dataSource;
        this.enabled = enabled;
        this.buffer = new ArrayBlockingQueue<>(capacity);
        this.batchSize = batchSize;
        this.maxWait = maxWait;
        this.waitForCommit = waitForCommit;
        this.synchronousCommit = synchronousCommit;
        this.lost = Counter.builder("careloop.access_log.lost")
                .description("entries of answered reads that could not be committed (wait-for-commit=false only)")
                .register(meters);
        this.refused = Counter.builder("careloop.access_log.refused")
                .description("reads not answered because their access entry could not be committed in time")
                .register(meters);
        Gauge.builder("careloop.access_log.buffered", buffer, BlockingQueue::size)
                .description("access entries waiting for their batch's commit").register(meters);
        if (!enabled) {
            log.warn("careloop.access-log.enabled=false: reads of patient data are NOT accounted for (benchmarks only)");
        } else if (!waitForCommit) {
            log.warn("careloop.access-log.wait-for-commit=false: a read is answered once its entry is queued; a crash "
                    + "loses the entries of the batch being written (up to batch-size entries, milliseconds of reads)");
        } else if (synchronousCommit) {
            log.info("careloop.access-log.synchronous-commit=true: a read is answered once its entry is committed and "
                    + "flushed to disk; no crash loses the entry of an answered read");
        }
        this.writer = new Thread(this::writeBatches, "access-log-writer");
        writer.setDaemon(true);
        if (enabled) {
            writer.start();
        }
    }

    @Override
    public void record(ReadAccess access) {
        enqueue(access).await();
    }

    /**
     * Queues the entry (waiting for room in the buffer, within {@code max-wait}) and returns; the read's own work goes
     * on while the writer commits it, and {@link Recording#await()} waits for that commit, within what is left of
     * {@code max-wait}. Nothing is built, serialised or hashed here: the writer thread does that for the whole batch.
     */
    @Override
    public Recording enqueue(ReadAccess access) {
        if (!enabled) {
            return Recording.DONE;
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        Pending pending = new Pending(access, clock.instant(), MDC.get(MetadataKeys.CORRELATION_ID),
                new CompletableFuture<>());
        try {
            if (!running || !buffer.offer(pending, maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw refuse("the access log's buffer stayed full for " + maxWait.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refuse("interrupted while waiting for the access log");
        }
        return waitForCommit ? () -> awaitCommit(pending, deadline) : Recording.DONE;
    }

    private void awaitCommit(Pending pending, long deadline) {
        try {
            pending.committed().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refuse("interrupted while waiting for the access log");
        } catch (TimeoutException e) {
            throw refuse("the access entry was not committed within " + maxWait.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw refuse("the access entry could not be written: " + e.getCause());
        }
    }

    private AccessNotRecorded refuse(String why) {
        refused.increment();
        log.warn("A read was not answered: {}", why);
        return new AccessNotRecorded(why);
    }

    private void writeBatches() {
        List<Pending> batch = new ArrayList<>(batchSize);
        while (running || !buffer.isEmpty()) {
            try {
                Pending first = buffer.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                buffer.drainTo(batch, batchSize - 1);
                writeOrSplit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * One transaction for the batch; if it fails, each entry on its own, so that one entry the database refuses
     * costs only its own read, not the batch's.
     */
    private void writeOrSplit(List<Pending> batch) {
        try {
            write(batch);
            batch.forEach(p -> p.committed().complete(null));
            return;
        } catch (SQLException | RuntimeException e) {
            // An unreachable database fails every entry alike: no point trying them one by one.
            if (batch.size() == 1 || DatabaseOutage.causedBy(e)) {
                log.error("{} access entries could not be committed; their reads are answered 503", batch.size(), e);
                if (!waitForCommit) {
                    // Nobody waits for these: their reads were answered. Counted and logged, never silent.
                    lost.increment(batch.size());
                    log.error("ALERT: {} access entries of answered reads were lost", batch.size());
                }
                batch.forEach(p -> p.committed().completeExceptionally(e));
                return;
            }
            log.warn("An access-log batch of {} entries could not be committed ({}); writing them one by one",
                    batch.size(), e.toString());
        }
        for (Pending p : batch) {
            writeOrSplit(List.of(p));
        }
    }

    /**
     * The batch as one autocommitted statement: PostgreSQL commits the statement's own transaction before it answers,
     * so inserting and committing a batch is one round trip to the database (BEGIN, INSERT, COMMIT took two, each a
     * wait for a scheduled backend on a busy machine). The chain trigger's lock is held, as before, until that commit.
     */
    private void write(List<Pending> batch) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(synchronousCommit ? INSERT : INSERT_NOT_FLUSHED)) {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            int n = batch.size();
            String[][] text = new String[16][n];
            Boolean[] allowed = new Boolean[n];
            for (int row = 0; row < n; row++) {
                Pending p = batch.get(row);
                ReadAccess a = p.access();
                int c = 0;
                // Microseconds, as PostgreSQL keeps them; an instant with its zone, whatever the session's.
                text[c++][row] = p.at().truncatedTo(ChronoUnit.MICROS).toString();
                text[c++][row] = p.requestId();
                text[c++][row] = a.actor().userId();
                text[c++][row] = a.actor().userName();
                text[c++][row] = a.actor().client();
                text[c++][row] = a.actor().organisation();
                text[c++][row] = String.join(",", new TreeSet<>(a.actor().roles()));
                text[c++][row] = a.actor().purposeOfUse();
                text[c++][row] = a.channel();
                text[c++][row] = a.action().code;
                text[c++][row] = a.resourceType();
                text[c++][row] = storable(a.resourceId());
                text[c++][row] = storable(a.query());
                text[c++][row] = idsLiteral(a.returnedIds());
                text[c++][row] = a.patientId();
                text[c][row] = a.reason();
                allowed[row] = a.allowed();
            }
            int i = 1;
            for (int c = 0; c < 15; c++) {
                insert.setArray(i++, connection.createArrayOf("text", text[c]));
            }
            insert.setArray(i++, connection.createArrayOf("bool", allowed));
            insert.setArray(i, connection.createArrayOf("text", text[15]));
            insert.executeUpdate();
        }
    }

    /** A text[] literal of {@code ids}: each element quoted, its quotes and backslashes escaped. */
    static String idsLiteral(List<String> ids) {
        StringBuilder literal = new StringBuilder("{");
        for (String id : ids) {
            if (literal.length() > 1) {
                literal.append(',');
            }
            literal.append('"');
            String value = storable(id);
            for (int k = 0; k < value.length(); k++) {
                char ch = value.charAt(k);
                if (ch == '"' || ch == '\\') {
                    literal.append('\\');
                }
                literal.append(ch);
            }
            literal.append('"');
        }
        return literal.append('}').toString();
    }

    /** PostgreSQL text cannot hold NUL: a caller's NUL is kept visible as U+FFFD rather than losing the entry. */
    private static String storable(String text) {
        return text == null || text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    }

    /** Writes what is queued before the data source closes; reads still waiting are answered by then. */
    @Override
    public void destroy() throws InterruptedException {
        running = false;
        writer.join(10_000);
    }
}

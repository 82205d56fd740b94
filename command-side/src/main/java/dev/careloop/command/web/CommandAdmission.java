package dev.careloop.command.web;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * How many of the REST API's commands run at once on this node ({@code careloop.commands.concurrency}; 0, the
 * default: twice the processors). The others wait their turn, first come first served, holding no connection, for at
 * most {@code careloop.commands.admission-wait}, then are answered 503 with Retry-After and write nothing. Run all at
 * once, the commands of more clients than the node has cores for share the cores and the database and each takes
 * longer, and a read (a clinician opening a referral, a partner's FHIR search) queues behind all of them: admitted a
 * few at a time, reads go past the line (issue 19, the benchmark's 32 clients: the recipient's first read p99 41 ms
 * against 161 ms). The price is some throughput under such load (338 against 395 commands/s there), as fewer
 * commands in flight share each processor's fetch and batch. A command sent while the thread already runs one goes
 * straight on.
 */
@Component
public class CommandAdmission {

    private static final ThreadLocal<Boolean> RUNNING = new ThreadLocal<>();

    private final Semaphore turns;
    private final int concurrency;
    private final Duration wait;
    private final AtomicLong refused = new AtomicLong();

    CommandAdmission(@Value("${careloop.commands.concurrency:0}") int concurrency,
                     @Value("${careloop.commands.admission-wait:PT10S}") Duration wait) {
        this.concurrency = concurrency > 0 ? concurrency : 2 * Runtime.getRuntime().availableProcessors();
        this.turns = new Semaphore(this.concurrency, true);
        this.wait = wait;
    }

    /** Runs {@code command} once it is its turn; 503 when the turn does not come within the admission wait. */
    public <T> T run(Supplier<T> command) {
        if (RUNNING.get() != null) {
            return command.get();
        }
        boolean admitted;
        try {
            admitted = turns.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admitted = false;
        }
        if (!admitted) {
            refused.incrementAndGet();
            throw new Busy(concurrency, wait);
        }
        RUNNING.set(Boolean.TRUE);
        try {
            return command.get();
        } finally {
            RUNNING.remove();
            turns.release();
        }
    }

    /** Commands waiting for their turn now. */
    public int waiting() {
        return turns.getQueueLength();
    }

    /** Commands running now. */
    public int running() {
        return concurrency - turns.availablePermits();
    }

    /** Commands answered 503 since the start, their turn not come in time. */
    public long refused() {
        return refused.get();
    }

    /** The command did not get its turn in time: nothing was written, so the client may send it again. */
    static final class Busy extends ResponseStatusException {
        Busy(int concurrency, Duration wait) {
            super(HttpStatus.SERVICE_UNAVAILABLE, "this node is running " + concurrency
                    + " commands and the command waited " + wait + " for its turn; nothing was written, try again");
        }

        @Override
        public HttpHeaders getHeaders() {
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, "1");
            return headers;
        }
    }
}

package dev.careloop.command.web;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How many of the REST API's commands run at once on this node ({@code careloop.commands.concurrency}; 0, the
 * default: twice the processors). The others wait their turn, first come first served, for at most
 * {@code careloop.commands.admission-wait}, then are answered 503 with Retry-After and write nothing. A node whose
 * clients send more commands at once than it has cores for gains nothing from running them all: they share the same
 * cores and the same database, and each takes longer; meanwhile a read (a clinician opening a referral, a partner's
 * FHIR search) queues behind all of them. Admitted a few at a time, commands finish sooner and reads go past the
 * queue (issue 19: projection lag at 32 clients). A command sent while the thread already runs one goes straight on.
 */
@Component
public class CommandAdmission {

    private static final ThreadLocal<Boolean> RUNNING = new ThreadLocal<>();

    private final Semaphore turns;
    private final int concurrency;
    private final Duration wait;

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
        try {
            if (!turns.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new Busy(concurrency, wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    /** Commands waiting for their turn now (the admission's queue). */
    public int waiting() {
        return turns.getQueueLength();
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

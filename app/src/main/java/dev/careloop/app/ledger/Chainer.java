package dev.careloop.app.ledger;

import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Links committed events into the hash chain after their commit (V47's chain_committed_events), so appends do not
 * wait for each other: woken after this process's own appends commit (it then also notifies careloop_log, which
 * appends no longer do), and every {@code poll} regardless (appends of other nodes, events held back by a
 * transaction that was still open). The database function locks the chain's
 * progress row, so on several nodes, and with a verification running the chainer first, one chains at a time.
 */
@Component
public class Chainer implements SmartLifecycle {

    /** Events linked per transaction: a long backlog is chained in several short transactions. */
    static final int BATCH = 1_000;

    private static final Logger log = LoggerFactory.getLogger(Chainer.class);

    private final DataSource dataSource;
    private final Duration poll;
    private final long gatherNanos;
    private final Semaphore wakeUps = new Semaphore(0);
    private final AtomicBoolean appendedHere = new AtomicBoolean();
    private volatile Thread worker;

    /** Chains at once after each wake-up, and polls every {@code poll}. */
    public Chainer(DataSource dataSource, Duration poll) {
        this(dataSource, poll, Duration.ZERO);
    }

    /**
     * As {@link #Chainer(DataSource, Duration)}, but a wake-up less than {@code gather} after the last round waits
     * for the rest of it: under load the appends of many commands are linked, and the other nodes told, in one round
     * (one call of the database function, one notification) instead of one round each. The first append after a
     * quiet spell is chained at once.
     */
    @Autowired
    public Chainer(DataSource dataSource, @Value("${careloop.ledger.chain-poll:PT0.25S}") Duration poll,
                   @Value("${careloop.ledger.chain-gather:PT0.02S}") Duration gather) {
        this.dataSource = dataSource;
        this.poll = poll;
        this.gatherNanos = gather.toNanos();
    }

    /** Woken after each unit of work of this process that appended events, once it committed. */
    @Autowired(required = false)
    void wakeAfterAppends(EventStore eventStore) {
        eventStore.subscribe(events -> CurrentUnitOfWork.ifStarted(unit -> unit.afterCommit(committed -> appended())));
    }

    /**
     * Chains every event committed so far whose transaction is not held back by an older one still open; returns
     * how many were linked.
     */
    public long chainNow() {
        long linked = 0;
        int batch;
        do {
            batch = chainBatch();
            linked += batch;
        } while (batch == BATCH);
        return linked;
    }

    private int chainBatch() {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(true);
            try (PreparedStatement call = connection.prepareStatement("SELECT chain_committed_events(?)")) {
                call.setInt(1, BATCH);
                try (ResultSet row = call.executeQuery()) {
                    row.next();
                    return row.getInt(1);
                }
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not chain the committed events", e);
        }
    }

    /** An append committed here: tell the other nodes and chain soon rather than at the next poll. Never blocks. */
    public void appended() {
        appendedHere.set(true);
        if (wakeUps.availablePermits() == 0) {
            wakeUps.release();
        }
    }

    /**
     * Wakes the other nodes' processors (careloop_log, V30/V47) at once, in a transaction of its own: appends do not
     * notify (PostgreSQL would commit them one at a time), and chaining may wait for an older transaction.
     */
    private void tellOtherNodes() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement notify = connection.prepareStatement("SELECT pg_notify('careloop_log', '')")) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(true);
            try {
                notify.execute();
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not notify the other nodes", e);
        }
    }

    /** Starts chaining on a daemon thread until {@link #stop()}. */
    @Override
    public void start() {
        Thread thread = new Thread(this::run, "ledger-chainer");
        thread.setDaemon(true);
        worker = thread;
        thread.start();
    }

    @Override
    public void stop() {
        Thread thread = worker;
        worker = null;
        if (thread == null) {
            return;
        }
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return worker != null;
    }

    private void run() {
        Duration backoff = poll;
        long lastRound = System.nanoTime() - gatherNanos;
        while (worker == Thread.currentThread()) {
            try {
                wakeUps.tryAcquire(backoff.toMillis(), TimeUnit.MILLISECONDS);
                long sinceLastRound = System.nanoTime() - lastRound;
                if (sinceLastRound < gatherNanos) {
                    TimeUnit.NANOSECONDS.sleep(gatherNanos - sinceLastRound);
                }
                wakeUps.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            if (worker != Thread.currentThread()) {
                return;
            }
            lastRound = System.nanoTime();
            try {
                if (appendedHere.getAndSet(false)) {
                    tellOtherNodes();
                }
                chainNow();
                backoff = poll;
            } catch (RuntimeException e) {
                // A database restart or an exhausted pool: the events wait in the log, and verify reports their age.
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5)
                        : backoff.multipliedBy(2);
                log.warn("Chaining committed events failed; trying again in {} ms: {}", backoff.toMillis(),
                        e.getCause() == null ? e.toString() : e.getCause().toString());
            }
        }
    }
}

package dev.careloop.plumbing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A task that runs every {@code interval} on its own daemon thread while the application runs: started after
 * Axon's event processors, stopped before them (by default; see {@link #getPhase()}), letting a round in progress
 * finish first. A round that fails is logged and the next one comes as planned.
 * <p>
 * On several nodes (docs/OPERATIONS.md) a task runs in one of two {@link Rounds modes}: {@code PER_NODE}, every node
 * runs every round (its own heartbeat, its own partners' processors); {@code CLUSTER_WIDE}, the nodes share the
 * schedule: a node runs a round only when it claims it in periodic_task_round, which it can when no node started
 * one within the last 90 % of the interval; so the nodes together run about one round per interval instead of one
 * each, and a surviving node goes on when one stops.
 */
public abstract class PeriodicTask implements SmartLifecycle {

    /** How the nodes on one database divide a task's rounds. */
    public enum Rounds {
        /** Every node runs every round: work about this node itself. */
        PER_NODE,
        /** About one round per interval among all the nodes, claimed in periodic_task_round. */
        CLUSTER_WIDE
    }

    /** Started after Axon's event processors, stopped before them. */
    public static final int DEFAULT_PHASE = Integer.MAX_VALUE - 200;

    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

    private final String name;
    private final Duration interval;
    private final Duration initialDelay;
    private final Rounds rounds;
    private final int phase;
    private volatile ScheduledExecutorService executor;
    private JdbcTemplate jdbc;
    private NodeIdentity node;

    /** The first round one interval after the start, in the default phase. */
    protected PeriodicTask(String name, Duration interval, Rounds rounds) {
        this(name, interval, interval, rounds, DEFAULT_PHASE);
    }

    protected PeriodicTask(String name, Duration interval, Duration initialDelay, Rounds rounds, int phase) {
        this.name = Objects.requireNonNull(name, "name");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.initialDelay = Objects.requireNonNull(initialDelay, "initialDelay");
        this.rounds = Objects.requireNonNull(rounds, "rounds");
        this.phase = phase;
    }

    /**
     * Where cluster-wide rounds are claimed. Spring calls it only when both exist; without them (a unit test's
     * instance, a side tested on its own) every round runs here.
     */
    @Autowired(required = false)
    public final void shareRounds(JdbcTemplate jdbc, NodeIdentity node) {
        this.jdbc = jdbc;
        this.node = node;
    }

    /** Whether this node runs the round that is due: always per node; cluster-wide, when no node has started one within the last 90 % of the interval. */
    public boolean claimRound() {
        if (rounds == Rounds.PER_NODE || jdbc == null) {
            return true;
        }
        return jdbc.update("""
                INSERT INTO periodic_task_round (task_name, started_at, node_id) VALUES (?, now(), ?)
                ON CONFLICT (task_name) DO UPDATE SET started_at = now(), node_id = EXCLUDED.node_id
                WHERE periodic_task_round.started_at <= now() - make_interval(secs => ?)""",
                name, node.id(), interval.toMillis() * 0.9 / 1000.0) == 1;
    }

    /** One round. */
    protected abstract void runOnce();

    /** A round failed; the next one comes as planned. Logged with its stack trace unless a task says otherwise. */
    protected void roundFailed(RuntimeException e) {
        log.warn("{} failed; trying again in {}", name, interval, e);
    }

    /** After the last round ended, when the application stops: what a task leaves behind it (a presence row...). */
    protected void stopped() {
    }

    /** The task's name: its thread's and, cluster-wide, its row in periodic_task_round. */
    public final String name() {
        return name;
    }

    private void round() {
        try {
            if (claimRound()) {
                runOnce();
            }
        } catch (RuntimeException e) {
            roundFailed(e);
        }
    }

    @Override
    public void start() {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::round, initialDelay.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        executor = scheduler;
    }

    @Override
    public void stop() {
        ScheduledExecutorService scheduler = executor;
        executor = null;
        if (scheduler == null) {
            return;
        }
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
        stopped();
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }

    @Override
    public int getPhase() {
        return phase;
    }
}

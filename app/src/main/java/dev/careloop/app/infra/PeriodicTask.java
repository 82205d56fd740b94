package dev.careloop.app.infra;

import dev.careloop.app.nodes.NodeIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A task that runs every {@code interval} on its own daemon thread while the application runs: started after
 * Axon's event processors, stopped before them, letting a round in progress finish its transaction first. A
 * round that fails is logged and the next one comes as planned.
 * <p>
 * On several nodes (docs/OPERATIONS.md) the nodes share the schedule: a node runs a round only when it claims it in
 * periodic_task_round, which it can when no node started one within the last 90 % of the interval; so the nodes
 * together run about one round per interval instead of one each, and a surviving node goes on when one stops.
 */
public abstract class PeriodicTask implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

    private final String name;
    private final Duration interval;
    private volatile ScheduledExecutorService executor;
    private JdbcTemplate jdbc;
    private NodeIdentity node;

    protected PeriodicTask(String name, Duration interval) {
        this.name = name;
        this.interval = interval;
    }

    /** Rounds claimed in the shared database; without it (a unit test's instance) every round runs here. */
    @Autowired
    public final void shareRounds(JdbcTemplate jdbc, NodeIdentity node) {
        this.jdbc = jdbc;
        this.node = node;
    }

    /** Whether this node runs the round that is due: no node has started one within the last 90 % of the interval. */
    public boolean claimRound() {
        if (jdbc == null) {
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

    private void round() {
        try {
            if (claimRound()) {
                runOnce();
            }
        } catch (RuntimeException e) {
            log.warn("{} failed; trying again in {}", name, interval, e);
        }
    }

    @Override
    public void start() {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::round, interval.toMillis(), interval.toMillis(),
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
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 200;
    }
}

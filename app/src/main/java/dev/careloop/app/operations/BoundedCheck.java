package dev.careloop.app.operations;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A readiness check that answers within a bound: DOWN when the database (or the pool in front of it) does not
 * answer in time, rather than a probe hanging on the pool's connection timeout. One check at a time on its own
 * daemon thread; while an earlier one still hangs, or another check of the same probe found the database silent a
 * moment ago ({@code unanswered}), the answer is DOWN at once: a probe costs one limit, not one per check.
 */
final class BoundedCheck implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(BoundedCheck.class);

    private final String name;
    private final Duration limit;
    private final HealthIndicator check;
    private final AtomicLong unanswered;
    private final ExecutorService thread;
    private Future<Health> running;

    /** @param unanswered shared by the checks of one probe: when one of them last went unanswered (nanoTime, 0: never) */
    BoundedCheck(String name, Duration limit, AtomicLong unanswered, HealthIndicator check) {
        this.name = name;
        this.limit = limit;
        this.check = check;
        this.unanswered = unanswered;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "readiness-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public synchronized Health health() {
        if (running != null && !running.isDone()) {
            return down("the previous check has not answered yet");
        }
        long silentSince = unanswered.get();
        if (silentSince != 0 && System.nanoTime() - silentSince < limit.toNanos() * 2) {
            return down("the database did not answer another check just now");
        }
        running = thread.submit((Callable<Health>) check::health);
        try {
            return running.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            unanswered.set(System.nanoTime());
            return down("no answer within " + limit.toMillis() + " ms");
        } catch (ExecutionException e) {
            log.warn("Readiness: {} failed: {}", name, e.getCause().toString());
            return Health.down().withDetail("error", e.getCause().getClass().getSimpleName()).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down("interrupted");
        }
    }

    private Health down(String why) {
        log.warn("Readiness: {}: {}", name, why);
        return Health.down().withDetail("error", why).build();
    }
}

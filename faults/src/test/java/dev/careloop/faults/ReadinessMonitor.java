package dev.careloop.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Asks readiness twice a second throughout a scenario and adds up how long it said DOWN (503) and how often it
 * did not answer within 5 s (a probe that hangs is worse than one that says DOWN).
 */
final class ReadinessMonitor implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Api api;
    private final Thread thread;
    private volatile boolean running = true;
    final AtomicLong downNanos = new AtomicLong();
    final AtomicLong unansweredNanos = new AtomicLong();
    final AtomicLong timeouts = new AtomicLong();
    /** Since when readiness has been DOWN or silent, or 0 while it is UP. */
    final AtomicLong notUpSince = new AtomicLong();

    ReadinessMonitor(Api api) {
        this.api = api;
        thread = new Thread(this::watch, "readiness-monitor");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch() {
        long last = System.nanoTime();
        while (running) {
            int status;
            try {
                status = http.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/actuator/health/readiness")).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (java.net.http.HttpTimeoutException e) {
                timeouts.incrementAndGet();
                status = -1;
            } catch (IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            if (status == 503) {
                downNanos.addAndGet(now - last);
            } else if (status != 200) {
                unansweredNanos.addAndGet(now - last);
            }
            if (status == 200) {
                notUpSince.set(0);
            } else {
                notUpSince.compareAndSet(0, now);
            }
            last = now;
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    double downSeconds() {
        return downNanos.get() / 1e9;
    }

    double unansweredSeconds() {
        return unansweredNanos.get() / 1e9;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(10_000);
    }
}

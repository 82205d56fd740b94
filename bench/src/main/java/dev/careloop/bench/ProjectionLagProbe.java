package dev.careloop.bench;

import java.io.IOException;
import java.time.Duration;

/**
 * How soon the other organisation sees a new referral: at a low, steady rate, northside-gp sends one and
 * riverside-derm reads it until it answers 200. Lag runs from the 201 to that 200, so it includes one read's
 * round trip; with read-your-writes the first read should already succeed.
 */
final class ProjectionLagProbe {

    private static final Duration GIVE_UP = Duration.ofSeconds(10);
    private static final long POLL_PAUSE_MILLIS = 2;

    private final CareLoopClient client;
    private final String initiator;
    private final String recipient;
    private final Duration interval;
    private final Window window;
    private final Errors errors;

    private final Latencies lag = new Latencies();
    private final Latencies sendToVisible = new Latencies();
    private long notVisibleAtFirst;

    ProjectionLagProbe(CareLoopClient client, String initiator, String recipient, Duration interval,
                       Window window, Errors errors) {
        this.client = client;
        this.initiator = initiator;
        this.recipient = recipient;
        this.interval = interval;
        this.window = window;
        this.errors = errors;
    }

    /**
     * @param lag               201 to the recipient's first 200
     * @param sendToVisible     request sent to the recipient's first 200
     * @param notVisibleAtFirst probes whose first read was a 404: read-your-writes did not hold for the recipient
     */
    record Result(Latencies.Summary lag, Latencies.Summary sendToVisible, long notVisibleAtFirst) {
    }

    /** Read after the probe's thread has ended. */
    Result result() {
        return new Result(lag.summary(window.measuredSeconds()), sendToVisible.summary(window.measuredSeconds()),
                notVisibleAtFirst);
    }

    void run() {
        long next = System.nanoTime();
        try {
            while (window.running()) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                next = Math.max(next + interval.toNanos(), System.nanoTime());
                if (window.running()) {
                    probeOnce();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void probeOnce() throws InterruptedException {
        String request = "probe: POST /api/referrals";
        try {
            long sentAt = System.nanoTime();
            CareLoopClient.Reply created = client.sendReferral(initiator);
            long createdAt = System.nanoTime();
            String id = created.status() == 201 ? CareLoopClient.referralId(created) : null;
            if (id == null) {
                errors.add(request + " -> " + created.status() + " " + created.body());
                return;
            }
            request = "probe: GET /api/referrals/" + id + " as riverside-derm";
            boolean first = true;
            while (true) {
                CareLoopClient.Reply read = client.view(recipient, id);
                long readAt = System.nanoTime();
                if (read.status() == 200) {
                    if (window.counts(createdAt)) {
                        lag.record(createdAt, readAt);
                        sendToVisible.record(sentAt, readAt);
                    }
                    return;
                }
                if (read.status() != 404) {
                    errors.add(request + " -> " + read.status() + " " + read.body());
                    return;
                }
                if (first && window.counts(createdAt)) {
                    notVisibleAtFirst++;
                }
                first = false;
                if (readAt - createdAt > GIVE_UP.toNanos()) {
                    errors.add(request + " -> still 404 " + GIVE_UP.toSeconds() + " s after the 201");
                    return;
                }
                Thread.sleep(POLL_PAUSE_MILLIS);
            }
        } catch (IOException e) {
            errors.add(request, e);
            Pause.afterError();
        }
    }
}

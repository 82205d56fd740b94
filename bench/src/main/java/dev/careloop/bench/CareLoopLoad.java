package dev.careloop.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Phase B: closed-loop clients, each walking referrals through send (northside-gp), accept and schedule
 * (riverside-derm) as fast as CareLoop answers; every HTTP call is one command. The projection-lag probe
 * runs beside them at a low rate.
 */
final class CareLoopLoad {

    enum Step {
        SEND("send referral", "POST /api/referrals", 201),
        ACCEPT("accept", "POST /api/referrals/{id}/accept", 200),
        SCHEDULE("schedule", "POST /api/referrals/{id}/schedule", 200);

        final String label;
        final String request;
        final int expected;

        Step(String label, String request, int expected) {
            this.label = label;
            this.request = request;
            this.expected = expected;
        }
    }

    record Result(int clients, Latencies.Summary all, Map<Step, Latencies.Summary> perStep,
                  ProjectionLagProbe.Result lag, Costs.PerOp costs, long errors, List<String> firstErrors,
                  String appJvm) {
    }

    private final Options options;
    private final CareLoopClient client;
    private final Costs costs;
    private final Errors errors = new Errors();
    private String initiator;
    private String recipient;

    CareLoopLoad(Options options, Costs costs) {
        this.options = options;
        this.client = new CareLoopClient(options.baseUrl());
        this.costs = costs;
    }

    Result run(int clients) throws IOException, InterruptedException {
        client.requireHealthy();
        initiator = client.token(CareLoopClient.INITIATOR, options.secret());
        recipient = client.token(CareLoopClient.RECIPIENT, options.secret());
        String appJvm = client.describeAppJvm(options.secret());

        Window window = Window.startingNow(Duration.ofSeconds(options.warmupSeconds()),
                Duration.ofSeconds(options.seconds()));
        Costs.Watch watch = costs.watch(window);
        List<Map<Step, Latencies>> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Map<Step, Latencies> latencies = new EnumMap<>(Step.class);
            for (Step step : Step.values()) {
                latencies.put(step, new Latencies());
            }
            perThread.add(latencies);
            threads.add(new Thread(() -> walkReferralsUntilEnd(window, latencies), "careloop-" + i));
        }
        ProjectionLagProbe probe = new ProjectionLagProbe(client, initiator, recipient,
                Duration.ofMillis(options.probeIntervalMillis()), window, errors);
        threads.add(new Thread(probe::run, "projection-lag-probe"));
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }

        Latencies all = new Latencies();
        Map<Step, Latencies.Summary> perStep = new EnumMap<>(Step.class);
        for (Step step : Step.values()) {
            Latencies merged = new Latencies();
            perThread.forEach(m -> merged.add(m.get(step)));
            perStep.put(step, merged.summary(window.measuredSeconds()));
            all.add(merged);
        }
        return new Result(clients, all.summary(window.measuredSeconds()), perStep, probe.result(),
                watch.perOp(all.count()), errors.count(), errors.first(), appJvm);
    }

    private void walkReferralsUntilEnd(Window window, Map<Step, Latencies> latencies) {
        try {
            while (window.running()) {
                CareLoopClient.Reply sent = call(Step.SEND, null, window, latencies,
                        () -> client.sendReferral(initiator));
                if (sent == null) {
                    continue;
                }
                String id = CareLoopClient.referralId(sent);
                if (id == null) {
                    errors.add(Step.SEND.request + " -> 201 without a referralId: " + sent.body());
                    continue;
                }
                CareLoopClient.Reply accepted = call(Step.ACCEPT, id, window, latencies,
                        () -> client.accept(recipient, id, sent.etag()));
                if (accepted == null) {
                    continue;
                }
                call(Step.SCHEDULE, id, window, latencies, () -> client.schedule(recipient, id, accepted.etag()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One timed command; null (and one more error) unless it answered the status the step expects. */
    private CareLoopClient.Reply call(Step step, String referralId, Window window, Map<Step, Latencies> latencies,
                                      Call call) throws InterruptedException {
        String request = referralId == null ? step.request : step.request.replace("{id}", referralId);
        long start = System.nanoTime();
        CareLoopClient.Reply reply;
        try {
            reply = call.run();
        } catch (IOException e) {
            errors.add(request, e);
            Pause.afterError();
            return null;
        }
        long end = System.nanoTime();
        if (reply.status() != step.expected) {
            errors.add(request + " -> " + reply.status() + " " + reply.body());
            return null;
        }
        if (window.counts(end)) {
            latencies.get(step).record(start, end);
        }
        return reply;
    }

    @FunctionalInterface
    private interface Call {
        CareLoopClient.Reply run() throws IOException, InterruptedException;
    }
}

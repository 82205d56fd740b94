package dev.careloop.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What accounting for every read costs (issue 17): the same reads of patient data, at the same concurrency, against
 * two CareLoop processes on one database in one run: {@code --base-url} accounts for every read (the access log,
 * group commit), {@code --unaccounted-url} was started with {@code --careloop.access-log.enabled=false} (for this
 * benchmark only). Each client loops over a referral, its timeline and the outbox's first page.
 *
 * <p>So that neither the JIT's state nor the machine's drift decides the answer: both processes are first warmed up
 * in turn ({@code --initial-warmup-seconds} each, twice, nothing measured), then the phases alternate (with, without,
 * with, without...: {@code --rounds} pairs, each phase after its own short warm-up), and the result is the ratio of
 * the <em>medians</em> of the phases' reads per second: one phase that met a compile, a GC or another process's burst
 * moves a median little. The target: reads with accounting at 0.8x or more of the reads without.
 */
public final class AccessLogBenchmark {

    static final double TARGET_RATIO = 0.8;

    static final String USAGE = """
            usage: bench/run.sh access [options]
              --base-url URL         CareLoop accounting for reads (default http://localhost:8080)
              --unaccounted-url URL  CareLoop on the same database started with
                                     --careloop.access-log.enabled=false (default http://localhost:8081)
              --referrals N          referrals to read (sent first, default 50)
              --clients N            client threads (default 8)
              --seconds N            measured seconds per phase (default 20), after --warmup-seconds N (default 5)
              --initial-warmup-seconds N
                                     before any phase, each process read for N s, twice, in turn (default 30)
              --rounds N             pairs of phases, with and without (default 3); the ratio is of the medians
              --out FILE             also append the result as markdown to FILE
            """;

    /** One phase's figures. */
    record Phase(boolean accounted, long reads, long errors, double seconds, Latencies latencies) {
        double perSecond() {
            return reads / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.pairs(args, USAGE);
        CareLoopClient accounted = new CareLoopClient(URI.create(options.getOrDefault("base-url",
                "http://localhost:8080")));
        CareLoopClient unaccounted = new CareLoopClient(URI.create(options.getOrDefault("unaccounted-url",
                "http://localhost:8081")));
        int referrals = Integer.parseInt(options.getOrDefault("referrals", "50"));
        int clients = Integer.parseInt(options.getOrDefault("clients", "8"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup-seconds", "5"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        int initialWarmup = Integer.parseInt(options.getOrDefault("initial-warmup-seconds", "30"));
        accounted.requireHealthy();
        unaccounted.requireHealthy();
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        String gp = accounted.token(CareLoopClient.INITIATOR, "demo-secret");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < referrals; i++) {
            CareLoopClient.Reply sent = accounted.sendReferral(gp);
            if (sent.status() != 201) {
                throw new IllegalStateException("could not send a referral to read: " + sent.status() + " " + sent.body());
            }
            ids.add(CareLoopClient.referralId(sent));
        }
        String gpThere = unaccounted.token(CareLoopClient.INITIATOR, "demo-secret");
        String loadBefore = loadAverage();
        // Both processes' hot paths compiled before anything counts: A B A B, unmeasured.
        for (int i = 0; i < 2 && initialWarmup > 0; i++) {
            phase(accounted, gp, true, ids, clients, initialWarmup, 0);
            phase(unaccounted, gpThere, false, ids, clients, initialWarmup, 0);
        }
        List<Phase> phases = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            phases.add(phase(accounted, gp, true, ids, clients, warmup, seconds));
            phases.add(phase(unaccounted, gpThere, false, ids, clients, warmup, seconds));
        }
        String report = markdown(startedAt, options, clients, seconds, referrals, phases, initialWarmup, warmup,
                loadBefore, loadAverage());
        System.out.println();
        System.out.print(report);
        if (options.containsKey("out")) {
            Files.writeString(Path.of(options.get("out")), "\n" + report, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        if (phases.stream().anyMatch(p -> p.errors() > 0)) {
            System.err.println("INVALID RUN: some reads failed (see the errors column)");
            System.exit(1);
        }
    }

    private static Phase phase(CareLoopClient client, String token, boolean accounted, List<String> ids, int clients,
                               int warmup, int seconds) throws InterruptedException {
        System.err.printf(Locale.ROOT, "%s: %d clients, %d s warm-up + %d s measured (load %s)%n",
                accounted ? "with accounting" : "without accounting", clients, warmup, seconds, loadAverage());
        long measureFrom = System.nanoTime() + warmup * 1_000_000_000L;
        long end = measureFrom + seconds * 1_000_000_000L;
        AtomicLong reads = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<Latencies> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Latencies mine = new Latencies();
            latencies.add(mine);
            int offset = c;
            Thread thread = new Thread(() -> {
                for (int i = offset; System.nanoTime() < end; i++) {
                    String id = ids.get(i % ids.size());
                    String path = switch (i % 3) {
                        case 0 -> "/api/referrals/" + id;
                        case 1 -> "/api/referrals/" + id + "/timeline";
                        default -> "/api/referrals?box=outbox&size=20";
                    };
                    long began = System.nanoTime();
                    boolean ok;
                    try {
                        ok = client.get(token, path).status() == 200;
                    } catch (Exception e) {
                        ok = false;
                    }
                    long done = System.nanoTime();
                    if (began >= measureFrom && done <= end) {
                        if (ok) {
                            reads.incrementAndGet();
                            mine.record(began, done);
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Latencies all = new Latencies();
        latencies.forEach(all::add);
        return new Phase(accounted, reads.get(), errors.get(), seconds, all);
    }

    private static String markdown(Instant startedAt, Map<String, String> options, int clients, int seconds,
                                   int referrals, List<Phase> phases, int initialWarmup, int warmup,
                                   String loadBefore, String loadAfter) {
        StringBuilder md = new StringBuilder();
        md.append("### Access log run of ").append(startedAt).append("\n\n");
        md.append(String.format(Locale.ROOT, "%d clients, %d s per phase after %d s of its own warm-up, both processes "
                + "first warmed up %d s each, twice, in turn; reads of %d referrals (the referral, its timeline, the "
                + "outbox's first page, in turn); %d cores seen by the benchmark; load average (1, 5, 15 min) %s "
                + "before, %s after.%n%n", clients, seconds, warmup, initialWarmup, referrals,
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter));
        md.append("| phase | accounting | reads/s | p50 ms | p95 ms | p99 ms | errors |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- |\n");
        List<Double> with = new ArrayList<>();
        List<Double> without = new ArrayList<>();
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            md.append(String.format(Locale.ROOT, "| %d | %s | %.0f | %.1f | %.1f | %.1f | %d |%n", i + 1,
                    p.accounted() ? "on" : "off", p.perSecond(), p.latencies().percentileMillis(50),
                    p.latencies().percentileMillis(95), p.latencies().percentileMillis(99), p.errors()));
            (p.accounted() ? with : without).add(p.perSecond());
        }
        double medianWith = median(with);
        double medianWithout = median(without);
        double ratio = medianWithout == 0 ? Double.NaN : medianWith / medianWithout;
        md.append(String.format(Locale.ROOT, "%nMedian of the phases: %.0f reads/s with accounting, %.0f without. "
                + "Reads with accounting at **%.2fx** the reads without (ratio of the medians; target >= %.1fx): %s.%n",
                medianWith, medianWithout, ratio, TARGET_RATIO, ratio >= TARGET_RATIO ? "met" : "NOT met"));
        md.append("Each pair's ratio (phase with / the phase without after it):");
        for (int i = 0; i + 1 < phases.size(); i += 2) {
            md.append(String.format(Locale.ROOT, " %.2fx", phases.get(i).perSecond() / phases.get(i + 1).perSecond()));
        }
        md.append(".\n");
        md.append("\nCommand: `").append(System.getProperty("bench.command", "AccessLogBenchmark "
                + options)).append("`\n");
        return md.toString();
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The 1, 5 and 15 minute load averages, as /proc/loadavg has them ("?" where it is not there). */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (Exception e) {
            return "?";
        }
    }
}

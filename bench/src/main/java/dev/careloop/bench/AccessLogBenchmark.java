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
 * benchmark only). Phases alternate (with, without, with, without...) so that drift in the machine's load falls on
 * both. Each client loops over a referral, its timeline and the outbox's first page. The target: reads with
 * accounting at 0.8x or more of the reads without.
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
              --rounds N             pairs of phases, with and without (default 2)
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
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "2"));
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
        List<Phase> phases = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            phases.add(phase(accounted, gp, true, ids, clients, warmup, seconds));
            phases.add(phase(unaccounted, gpThere, false, ids, clients, warmup, seconds));
        }
        String report = markdown(startedAt, options, clients, seconds, referrals, phases);
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
        System.err.printf(Locale.ROOT, "%s: %d clients, %d s warm-up + %d s measured%n",
                accounted ? "with accounting" : "without accounting", clients, warmup, seconds);
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
                                   int referrals, List<Phase> phases) {
        StringBuilder md = new StringBuilder();
        md.append("### Access log run of ").append(startedAt).append("\n\n");
        md.append(String.format(Locale.ROOT, "%d clients, %d s per phase, reads of %d referrals (the referral, its "
                + "timeline, the outbox's first page, in turn); %d cores seen by the benchmark.%n%n", clients, seconds,
                referrals, Runtime.getRuntime().availableProcessors()));
        md.append("| phase | accounting | reads/s | p50 ms | p95 ms | p99 ms | errors |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- |\n");
        double with = 0;
        double without = 0;
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            md.append(String.format(Locale.ROOT, "| %d | %s | %.0f | %.1f | %.1f | %.1f | %d |%n", i + 1,
                    p.accounted() ? "on" : "off", p.perSecond(), p.latencies().percentileMillis(50),
                    p.latencies().percentileMillis(95), p.latencies().percentileMillis(99), p.errors()));
            if (p.accounted()) {
                with += p.reads();
            } else {
                without += p.reads();
            }
        }
        double ratio = without == 0 ? Double.NaN : with / without;
        md.append(String.format(Locale.ROOT, "%nReads with accounting at **%.2fx** the reads without (target >= %.1fx): "
                + "%s.%n", ratio, TARGET_RATIO, ratio >= TARGET_RATIO ? "met" : "NOT met"));
        md.append("\nCommand: `").append(System.getProperty("bench.command", "AccessLogBenchmark "
                + options)).append("`\n");
        return md.toString();
    }
}

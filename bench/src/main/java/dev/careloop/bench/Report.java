package dev.careloop.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One run as a markdown block: where it ran, each phase at each client count with its cost per operation, the
 * checks against issue 19's targets, and how to repeat it.
 */
final class Report {

    /** docs/BENCHMARKS.md, "Targets" (issue 19): at 8 clients. */
    static final int TARGET_CLIENTS = 8;
    static final double TARGET_FLOOR_RATIO = 0.5;
    static final double TARGET_P99_MILLIS = 50;
    static final double TARGET_LAG_P99_MILLIS = 100;

    /** The phases run at one client count; a phase not run is null. */
    record Round(int clients, RawPostgresBaseline.Result raw, FloorLoad.Result floor, CareLoopLoad.Result careLoop) {
    }

    private final Options options;
    private final Instant startedAt;
    private final String commandLine;
    private final List<Round> rounds;
    private final String loadAtStart;
    private final long appPid;
    private final List<String> notes;
    private final StringBuilder md = new StringBuilder();

    Report(Options options, Instant startedAt, String commandLine, List<Round> rounds, String loadAtStart, long appPid,
           List<String> notes) {
        this.options = options;
        this.startedAt = startedAt;
        this.commandLine = commandLine;
        this.rounds = List.copyOf(rounds);
        this.loadAtStart = loadAtStart;
        this.appPid = appPid;
        this.notes = List.copyOf(notes);
    }

    String markdown() {
        boolean http = rounds.stream().anyMatch(r -> r.careLoop() != null || r.floor() != null);
        line("### Commands run of " + startedAt + (http ? "" : " (raw PostgreSQL baseline only)"));
        line("");
        line("| | |");
        line("| --- | --- |");
        line("| date | " + startedAt + " |");
        line("| machine | " + Runtime.getRuntime().availableProcessors() + " cores (nproc), " + cpuModel() + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + "; load average " + loadAtStart + " at the start, "
                + Costs.Proc.loadAverage() + " at the end |");
        line("| benchmark JVM | Java " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vm.vendor") + ") |");
        rounds.stream().map(Round::careLoop).filter(c -> c != null).findFirst().ifPresent(c ->
                line("| CareLoop | " + options.baseUrl() + ", " + c.appJvm()
                        + (appPid > 0 ? ", pid " + appPid : ", pid unknown (no app CPU)") + " |"));
        rounds.stream().map(Round::raw).filter(r -> r != null).findFirst().ifPresent(r ->
                line("| baseline database | " + r.server() + " at `" + redact(options.jdbcUrl()) + "` |"));
        line("| load | " + options.clients().stream().map(String::valueOf).collect(Collectors.joining(", "))
                + " client threads; each phase " + options.warmupSeconds() + " s warm-up + " + options.seconds()
                + " s measured" + (http ? "; CareLoop's lag probe every " + options.probeIntervalMillis() + " ms" : "")
                + " |");
        line("");
        phases();
        careLoopSteps();
        verdicts();
        notesAndErrors();
        line("");
        line("Command: `" + redact(commandLine) + "`");
        return md.toString();
    }

    private void phases() {
        line("| clients | phase | ops/s | / raw | / floor | p50 ms | p99 ms | CPU ms/op app | PostgreSQL | client "
                + "| commits/op | xids/op | WAL fsyncs/op | WAL bytes/op | load average |");
        line("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        for (Round round : rounds) {
            double raw = round.raw() == null ? Double.NaN : round.raw().summary().perSecond();
            double floor = round.floor() == null ? Double.NaN : round.floor().summary().perSecond();
            if (round.raw() != null) {
                phase(round.clients(), "raw PostgreSQL: INSERT + COMMIT of one event row (" + round.raw().payloadBytes()
                        + " + " + round.raw().metaBytes() + " B)", round.raw().summary(), round.raw().costs(), raw, floor);
            }
            if (round.floor() != null) {
                phase(round.clients(), "HTTP floor: `" + FloorLoad.REQUEST + "`", round.floor().summary(),
                        round.floor().costs(), raw, floor);
            }
            if (round.careLoop() != null) {
                phase(round.clients(), "**CareLoop: commands**", round.careLoop().all(), round.careLoop().costs(),
                        raw, floor);
            }
        }
        line("");
    }

    private void phase(int clients, String what, Latencies.Summary s, Costs.PerOp c, double raw, double floor) {
        line("| " + clients + " | " + what + " | " + fixed(s.perSecond(), 1) + " | " + fixed(s.perSecond() / raw, 3)
                + " | " + fixed(s.perSecond() / floor, 3) + " | " + fixed(s.p50Millis(), 2) + " | "
                + fixed(s.p99Millis(), 2) + " | " + fixed(c.appCpuMillis(), 2) + " | " + fixed(c.pgCpuMillis(), 2)
                + " | " + fixed(c.clientCpuMillis(), 2) + " | " + fixed(c.commits(), 2) + " | " + fixed(c.xids(), 2)
                + " | " + fixed(c.walSyncs(), 2) + " | " + fixed(c.walBytes(), 0) + " | " + c.loadAverage() + " |");
    }

    private void careLoopSteps() {
        if (rounds.stream().allMatch(r -> r.careLoop() == null)) {
            return;
        }
        line("| clients | CareLoop | per second | p50 ms | p99 ms | max ms | count |");
        line("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
        for (Round round : rounds) {
            CareLoopLoad.Result c = round.careLoop();
            if (c == null) {
                continue;
            }
            for (Map.Entry<CareLoopLoad.Step, Latencies.Summary> e : c.perStep().entrySet()) {
                row(round.clients(), e.getKey().label + " (`" + e.getKey().request + "`)", e.getValue(), true);
            }
            row(round.clients(), "projection lag: 201 -> recipient's first 200 (" + c.lag().notVisibleAtFirst()
                    + " probes saw a 404 first)", c.lag().lag(), false);
            row(round.clients(), "send -> visible to the recipient (same probes)", c.lag().sendToVisible(), false);
        }
        line("");
    }

    private void verdicts() {
        line("| check (issue 19) | target | result | met |");
        line("| --- | --- | --- | --- |");
        Round at8 = rounds.stream().filter(r -> r.clients() == TARGET_CLIENTS).findFirst().orElse(null);
        if (at8 != null && at8.careLoop() != null && at8.floor() != null) {
            double ratio = at8.careLoop().all().perSecond() / at8.floor().summary().perSecond();
            line("| CareLoop commands/s / HTTP floor ops/s, " + TARGET_CLIENTS + " clients | >= " + TARGET_FLOOR_RATIO
                    + " | " + fixed(ratio, 3) + " | " + yesNo(ratio >= TARGET_FLOOR_RATIO) + " |");
        }
        if (at8 != null && at8.careLoop() != null) {
            double p99 = at8.careLoop().all().p99Millis();
            line("| CareLoop p99 per command, " + TARGET_CLIENTS + " clients | < " + fixed(TARGET_P99_MILLIS, 0)
                    + " ms | " + fixed(p99, 1) + " ms | " + yesNo(p99 < TARGET_P99_MILLIS) + " |");
        }
        List<Round> withCareLoop = rounds.stream().filter(r -> r.careLoop() != null).toList();
        Round most = withCareLoop.stream().max((a, b) -> Integer.compare(a.clients(), b.clients())).orElse(null);
        if (at8 != null && at8.careLoop() != null && most != null && most.clients() > TARGET_CLIENTS) {
            double scale = most.careLoop().all().perSecond() / at8.careLoop().all().perSecond();
            line("| CareLoop commands/s at " + most.clients() + " clients / at " + TARGET_CLIENTS + " | > 1 | "
                    + fixed(scale, 2) + " | " + yesNo(scale > 1) + " |");
        }
        if (most != null) {
            double lag = most.careLoop().lag().lag().p99Millis();
            line("| projection lag p99, " + most.clients() + " clients | < " + fixed(TARGET_LAG_P99_MILLIS, 0)
                    + " ms | " + fixed(lag, 1) + " ms | " + yesNo(lag < TARGET_LAG_P99_MILLIS) + " |");
        }
        long errors = errorCount();
        line("| errors (any non-2xx or failed call, warm-up included) | 0 | " + errors + " | " + yesNo(errors == 0)
                + " |");
    }

    long errorCount() {
        long errors = 0;
        for (Round r : rounds) {
            errors += (r.raw() == null ? 0 : r.raw().errors()) + (r.floor() == null ? 0 : r.floor().errors())
                    + (r.careLoop() == null ? 0 : r.careLoop().errors());
        }
        return errors;
    }

    private void notesAndErrors() {
        if (!notes.isEmpty()) {
            line("");
            notes.forEach(n -> line("Note: " + n + "."));
        }
        List<String> first = new ArrayList<>();
        for (Round r : rounds) {
            if (r.raw() != null) {
                first.addAll(r.raw().firstErrors());
            }
            if (r.floor() != null) {
                first.addAll(r.floor().firstErrors());
            }
            if (r.careLoop() != null) {
                first.addAll(r.careLoop().firstErrors());
            }
        }
        if (first.isEmpty()) {
            return;
        }
        line("");
        line("First errors:");
        line("");
        line("```");
        first.forEach(this::line);
        line("```");
    }

    private void row(int clients, String what, Latencies.Summary s, boolean rate) {
        line("| " + clients + " | " + what + " | " + (rate ? fixed(s.perSecond(), 1) : "-") + " | "
                + fixed(s.p50Millis(), 2) + " | " + fixed(s.p99Millis(), 2) + " | " + fixed(s.maxMillis(), 1) + " | "
                + s.count() + " |");
    }

    private void line(String text) {
        md.append(text).append('\n');
    }

    static String fixed(double value, int decimals) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "n/a"
                : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String yesNo(boolean met) {
        return met ? "yes" : "**no**";
    }

    /** A JDBC URL (and so the command line) may carry a password; the report is meant to be committed. */
    static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;'\\s]*", "$1***");
    }

    static String shellQuote(String arg) {
        return arg.matches("[A-Za-z0-9_./:=@%+,-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("cpu model unknown");
        } catch (IOException | RuntimeException e) {
            return "cpu model unknown";
        }
    }
}

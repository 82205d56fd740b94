package dev.careloop.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One run as a markdown block: where it ran, what was measured, how it compares with the targets, and how to repeat it. */
final class Report {

    /** docs/BENCHMARKS.md, "Targets". */
    static final double TARGET_RATIO = 0.5;
    static final double TARGET_P99_MILLIS = 50;

    private final Options options;
    private final Instant startedAt;
    private final String commandLine;
    private final RawPostgresBaseline.Result raw;
    private final CareLoopLoad.Result careLoop;
    private final StringBuilder md = new StringBuilder();

    Report(Options options, Instant startedAt, String commandLine, RawPostgresBaseline.Result raw,
           CareLoopLoad.Result careLoop) {
        this.options = options;
        this.startedAt = startedAt;
        this.commandLine = commandLine;
        this.raw = raw;
        this.careLoop = careLoop;
    }

    String markdown() {
        line("### Run of " + startedAt + (careLoop == null ? " (raw PostgreSQL baseline only)" : ""));
        line("");
        line("| | |");
        line("| --- | --- |");
        line("| date | " + startedAt + " |");
        line("| machine | " + Runtime.getRuntime().availableProcessors() + " cores (nproc), " + cpuModel() + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + " |");
        line("| benchmark JVM | Java " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vm.vendor") + ") |");
        if (careLoop != null) {
            line("| CareLoop | " + options.baseUrl() + ", " + careLoop.appJvm() + " |");
        }
        if (raw != null) {
            line("| baseline database | " + raw.server() + " at `" + redact(options.jdbcUrl()) + "` |");
        }
        line("| load | " + options.clients() + " client threads per phase, " + options.warmupSeconds()
                + " s warm-up, " + options.seconds() + " s measured"
                + (careLoop == null ? "" : "; lag probe every " + options.probeIntervalMillis() + " ms") + " |");
        line("");
        line("| measured | per second | p50 ms | p99 ms | max ms | count |");
        line("| --- | ---: | ---: | ---: | ---: | ---: |");
        if (raw != null) {
            row("raw PostgreSQL: INSERT + COMMIT of one event row (payload " + raw.payloadBytes() + " B + metadata "
                    + raw.metaBytes() + " B)", raw.summary(), true);
        }
        if (careLoop != null) {
            row("**CareLoop: all commands**", careLoop.all(), true);
            for (Map.Entry<CareLoopLoad.Step, Latencies.Summary> e : careLoop.perStep().entrySet()) {
                row("CareLoop: " + e.getKey().label + " (`" + e.getKey().request + "`)", e.getValue(), true);
            }
            ProjectionLagProbe.Result lag = careLoop.lag();
            row("projection lag: 201 -> recipient's first 200 (" + lag.notVisibleAtFirst() + " probes saw a 404 first)",
                    lag.lag(), false);
            row("send -> visible to the recipient (same probes)", lag.sendToVisible(), false);
        }
        line("");
        verdicts();
        errors();
        line("");
        line("Command: `" + redact(commandLine) + "`");
        return md.toString();
    }

    private void verdicts() {
        long errorCount = (raw == null ? 0 : raw.errors()) + (careLoop == null ? 0 : careLoop.errors());
        line("| check | target | result | met |");
        line("| --- | --- | --- | --- |");
        if (raw != null && careLoop != null) {
            double ratio = careLoop.all().perSecond() / raw.summary().perSecond();
            line("| CareLoop commands/s / raw PostgreSQL ops/s | >= " + TARGET_RATIO + " | " + fixed(ratio, 2)
                    + " | " + yesNo(ratio >= TARGET_RATIO) + " |");
        }
        if (careLoop != null) {
            double p99 = careLoop.all().p99Millis();
            line("| CareLoop p99 per command | < " + fixed(TARGET_P99_MILLIS, 0) + " ms | " + fixed(p99, 1)
                    + " ms | " + yesNo(p99 < TARGET_P99_MILLIS) + " |");
        }
        line("| errors (any non-2xx or failed call, warm-up included) | 0 | " + errorCount + " | "
                + yesNo(errorCount == 0) + " |");
    }

    private void errors() {
        List<String> first = new ArrayList<>();
        if (raw != null) {
            first.addAll(raw.firstErrors());
        }
        if (careLoop != null) {
            first.addAll(careLoop.firstErrors());
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

    private void row(String what, Latencies.Summary s, boolean rate) {
        line("| " + what + " | " + (rate ? fixed(s.perSecond(), 1) : "-") + " | " + fixed(s.p50Millis(), 2)
                + " | " + fixed(s.p99Millis(), 2) + " | " + fixed(s.maxMillis(), 1) + " | " + s.count() + " |");
    }

    private void line(String text) {
        md.append(text).append('\n');
    }

    private static String fixed(double value, int decimals) {
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

package dev.careloop.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * CareLoop's write throughput next to what the same PostgreSQL does with no application in front of it.
 * Phase A commits event-sized rows straight over JDBC; phase B drives a running CareLoop over HTTP. The
 * report says both, their ratio, the projection lag seen by the receiving organisation, and the errors.
 */
public final class Benchmark {

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.print(Options.USAGE);
            return;
        }

        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        RawPostgresBaseline.Result raw = null;
        CareLoopLoad.Result careLoop = null;
        if (!options.httpOnly()) {
            progress("phase A: raw PostgreSQL baseline, %d clients, %d s warm-up + %d s measured",
                    options.clients(), options.warmupSeconds(), options.seconds());
            try {
                raw = new RawPostgresBaseline(options).run();
            } catch (SQLException e) {
                System.err.println("phase A could not run against " + Report.redact(options.jdbcUrl()) + ": " + e);
                System.exit(1);
                return;
            }
        }
        if (!options.rawOnly()) {
            progress("phase B: CareLoop at %s, %d clients + 1 lag probe, %d s warm-up + %d s measured",
                    options.baseUrl(), options.clients(), options.warmupSeconds(), options.seconds());
            try {
                careLoop = new CareLoopLoad(options).run();
            } catch (IllegalStateException e) {
                System.err.println("phase B could not start: " + e.getMessage());
                System.exit(1);
                return;
            }
        }

        String report = new Report(options, startedAt, commandLine(args), raw, careLoop).markdown();
        System.out.println();
        System.out.print(report);
        if (options.out() != null) {
            Files.writeString(options.out(), "\n" + report, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            progress("appended to %s", options.out());
        }
        long errors = (raw == null ? 0 : raw.errors()) + (careLoop == null ? 0 : careLoop.errors());
        if (errors > 0) {
            System.err.println("INVALID RUN: " + errors + " errors (see above)");
            System.exit(1);
        }
    }

    /** As the user typed it: bench/run.sh passes its own invocation; otherwise the java command. */
    private static String commandLine(String[] args) {
        String given = System.getProperty("bench.command");
        if (given != null && !given.isBlank()) {
            return given;
        }
        StringBuilder line = new StringBuilder("java ").append(Benchmark.class.getName());
        for (String arg : args) {
            line.append(' ').append(Report.shellQuote(arg));
        }
        return line.toString();
    }

    private static void progress(String format, Object... values) {
        System.err.printf("[bench] " + format + "%n", values);
    }
}

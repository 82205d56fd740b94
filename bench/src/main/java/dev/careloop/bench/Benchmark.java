package dev.careloop.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * CareLoop's write throughput next to what the same PostgreSQL does with no application in front of it, and next to
 * the HTTP floor: the raw baseline commits event-sized rows straight over JDBC, the floor sends them through the
 * app's HTTP stack to a route that only inserts, and the CareLoop phase drives real commands. Each runs at each
 * client count; the report says their rates, ratios, latencies and costs per operation (CPU of the app, PostgreSQL
 * and this client; commits and WAL), the projection lag seen by the receiving organisation, and the errors.
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
        String loadAtStart = Costs.Proc.loadAverage();
        long appPid = options.rawOnly() ? 0 : options.appPid() > 0 ? options.appPid()
                : Costs.Proc.listeningOn(port(options.baseUrl()));
        List<Report.Round> rounds = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (!options.rawOnly() && appPid == 0) {
            notes.add("no process found listening on " + options.baseUrl() + " (pass --app-pid): app CPU n/a");
        }
        try (Costs costs = new Costs(appPid, options.jdbcUrl())) {
            for (int clients : options.clients()) {
                RawPostgresBaseline.Result raw = null;
                FloorLoad.Result floor = null;
                CareLoopLoad.Result careLoop = null;
                if (!options.httpOnly()) {
                    progress("raw PostgreSQL baseline, %d clients, %d s warm-up + %d s measured",
                            clients, options.warmupSeconds(), options.seconds());
                    try {
                        raw = new RawPostgresBaseline(options, costs).run(clients);
                    } catch (SQLException e) {
                        System.err.println("the raw baseline could not run against " + Report.redact(options.jdbcUrl())
                                + ": " + e);
                        System.exit(1);
                        return;
                    }
                }
                if (!options.rawOnly() && !options.skipFloor()) {
                    progress("HTTP floor at %s, %d clients, %d s warm-up + %d s measured",
                            options.baseUrl(), clients, options.warmupSeconds(), options.seconds());
                    try {
                        floor = new FloorLoad(options, costs).run(clients);
                    } catch (IllegalStateException e) {
                        System.err.println("the HTTP floor could not start: " + e.getMessage());
                        System.exit(1);
                        return;
                    }
                }
                if (!options.rawOnly()) {
                    progress("CareLoop at %s, %d clients + 1 lag probe, %d s warm-up + %d s measured",
                            options.baseUrl(), clients, options.warmupSeconds(), options.seconds());
                    try {
                        careLoop = new CareLoopLoad(options, costs).run(clients);
                    } catch (IllegalStateException e) {
                        System.err.println("the CareLoop phase could not start: " + e.getMessage());
                        System.exit(1);
                        return;
                    }
                }
                rounds.add(new Report.Round(clients, raw, floor, careLoop));
            }
            notes.addAll(costs.notes());
        }

        Report report = new Report(options, startedAt, commandLine(args), rounds, loadAtStart, appPid, notes);
        String markdown = report.markdown();
        System.out.println();
        System.out.print(markdown);
        if (options.out() != null) {
            Files.writeString(options.out(), "\n" + markdown, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            progress("appended to %s", options.out());
        }
        long errors = report.errorCount();
        if (errors > 0) {
            System.err.println("INVALID RUN: " + errors + " errors (see above)");
            System.exit(1);
        }
    }

    private static int port(URI baseUrl) {
        if (baseUrl.getPort() > 0) {
            return baseUrl.getPort();
        }
        return "https".equals(baseUrl.getScheme()) ? 443 : 80;
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

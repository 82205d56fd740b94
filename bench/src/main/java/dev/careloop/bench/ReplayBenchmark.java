package dev.careloop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How fast CareLoop rebuilds its read models from the log, next to what the same PostgreSQL does with the same
 * events and no application: a set-based {@code INSERT ... SELECT} of the log into a plain table. Both run in one
 * invocation against the app's own database. The log is first grown over the API to {@code --events} (referrals
 * sent, accepted and scheduled: each scheduling also books an appointment through the process manager).
 */
public final class ReplayBenchmark {

    /** Issue 19: a rebuild at least 0.8 times as fast as the server floor (the turn-one 0.3 of the baseline is gone). */
    static final double TARGET_FLOOR_RATIO = 0.8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final String jdbcUrl;
    private final long events;
    private final int clients;
    private final int baselineRuns;
    private final List<String> groups;
    private final Path out;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ReplayBenchmark(Map<String, String> options) {
        baseUrl = URI.create(options.getOrDefault("base-url", "http://localhost:8080"));
        jdbcUrl = options.getOrDefault("jdbc-url", "jdbc:postgresql://127.0.0.1:54329/postgres?user=postgres");
        events = Long.parseLong(options.getOrDefault("events", "30000"));
        clients = Integer.parseInt(options.getOrDefault("clients", "8"));
        baselineRuns = Integer.parseInt(options.getOrDefault("baseline-runs", "3"));
        groups = List.of(options.getOrDefault("groups", "all").split(","));
        out = options.containsKey("out") ? Path.of(options.get("out")) : null;
    }

    static final String USAGE = """
            usage: bench/run.sh replay [options]
              --base-url URL       running CareLoop (default http://localhost:8080)
              --jdbc-url URL       the PostgreSQL the app writes to (default
                                   jdbc:postgresql://127.0.0.1:54329/postgres?user=postgres, the embedded one on
                                   CARELOOP_EMBEDDED_DB_PORT=54329)
              --events N           grow the log over the API to at least N events first (default 30000)
              --clients N          client threads that grow it (default 8)
              --baseline-runs N    INSERT ... SELECT runs; the median counts (default 3)
              --groups A,B         processing groups to rebuild (default all: every rebuildable read model)
              --out FILE           also append the result as markdown to FILE
            """;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.pairs(args, USAGE);
        new ReplayBenchmark(options).run(args);
    }

    private void run(String[] args) throws Exception {
        CareLoopClient client = new CareLoopClient(baseUrl);
        client.requireHealthy();
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long head = grow(client);
        progress("the log holds %d events; waiting for every processor to settle", head);
        head = Lifecycles.settle(jdbcUrl);

        String server;
        List<Double> baseline = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement()) {
            server = describeServer(st);
            for (int i = 0; i < baselineRuns; i++) {
                baseline.add(baseline(c, head));
                progress("baseline run %d: %.0f events/s", i + 1, baseline.get(i));
            }
        }
        double baselineRate = median(baseline);

        progress("rebuilding every read model through the API");
        JsonNode rebuild = rebuild(client.token("careloop-admin", "demo-secret"));
        if (!"switched".equals(rebuild.path("state").asText())) {
            System.err.println("the rebuild did not switch: " + rebuild);
            System.exit(1);
        }
        double replayRate = rebuild.path("replayedEvents").asDouble() / rebuild.path("replaySeconds").asDouble();
        List<String> tables = new ArrayList<>();
        rebuild.path("tables").forEach(t -> tables.add(t.asText()));
        long rebuilt = rebuild.path("headPosition").asLong();
        List<ServerFloor.Run> floor = new ArrayList<>();
        for (int i = 0; i < baselineRuns; i++) {
            floor.add(new ServerFloor(jdbcUrl).run(rebuilt, tables));
            progress("server floor run %d: %.0f events/s (%s)", i + 1, rebuilt / floor.get(i).seconds(),
                    floor.get(i).describePhases());
        }
        ServerFloor.Run medianFloor = median(floor, Comparator.comparingDouble(ServerFloor.Run::seconds));
        double endToEnd = Duration.between(Instant.parse(rebuild.path("requestedAt").asText()),
                Instant.parse(rebuild.path("switchedAt").asText())).toMillis() / 1000.0;

        String command = System.getProperty("bench.command", "java " + ReplayBenchmark.class.getName() + " "
                + String.join(" ", Arrays.stream(args).map(Report::shellQuote).toList()));
        String appJvm = client.describeAppJvm("demo-secret");
        String report = markdown(startedAt, command, server, appJvm, head, baseline, baselineRate,
                rebuild, replayRate, endToEnd, rebuilt / medianFloor.seconds(), medianFloor.describePhases());
        System.out.println();
        System.out.print(report);
        if (out != null) {
            Files.writeString(out, "\n" + report, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            progress("appended to %s", out);
        }
    }

    /** Sends, accepts and schedules referrals until the log holds {@code events}; answers its head. */
    private long grow(CareLoopClient client) throws Exception {
        long head = Lifecycles.head(jdbcUrl);
        if (head >= events) {
            return head;
        }
        progress("growing the log from %d to %d events over the API with %d clients", head, events, clients);
        Lifecycles.run(client, clients, () -> {
            try {
                return Lifecycles.head(jdbcUrl) < events;
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the head of the log", e);
            }
        });
        return Lifecycles.head(jdbcUrl);
    }

    /** One {@code INSERT ... SELECT} of the log up to {@code head} into a fresh plain table; events per second. */
    private double baseline(Connection c, long head) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS bench_replay_copy");
            st.execute("""
                    CREATE TABLE bench_replay_copy (global_index BIGINT PRIMARY KEY, aggregate_identifier VARCHAR(255),
                        sequence_number BIGINT, type VARCHAR(255), event_identifier VARCHAR(255), meta_data BYTEA,
                        payload BYTEA, payload_revision VARCHAR(255), payload_type VARCHAR(255),
                        time_stamp VARCHAR(255))""");
        }
        c.setAutoCommit(false);
        long start = System.nanoTime();
        long rows;
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO bench_replay_copy SELECT global_index, aggregate_identifier, sequence_number, type,
                    event_identifier, meta_data, payload, payload_revision, payload_type, time_stamp
                FROM domain_event_entry WHERE global_index <= ?""")) {
            insert.setLong(1, head);
            rows = insert.executeUpdate();
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE bench_replay_copy");
        }
        return rows / seconds;
    }

    private JsonNode rebuild(String adminToken) throws Exception {
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(baseUrl.resolve("/api/admin/rebuilds"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("groups", groups)))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202) {
            throw new IllegalStateException("POST /api/admin/rebuilds answered " + started.statusCode() + " "
                    + started.body());
        }
        URI location = baseUrl.resolve(started.headers().firstValue("Location").orElseThrow());
        while (true) {
            Thread.sleep(250);
            JsonNode view = JSON.readTree(http.send(HttpRequest.newBuilder(location)
                    .header("Authorization", "Bearer " + adminToken).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String state = view.path("state").asText();
            progress("%s: %d / %d events, %.0f events/s, %s s left", state, view.path("eventsDone").asLong(),
                    view.path("eventsTotal").asLong(), view.path("eventsPerSecond").asDouble(),
                    view.path("secondsLeft").asText("-"));
            if (state.equals("switched") || state.equals("failed")) {
                return view;
            }
        }
    }

    private String markdown(Instant startedAt, String command, String server, String appJvm, long head,
                            List<Double> baseline, double baselineRate, JsonNode rebuild, double replayRate,
                            double endToEnd, double floorRate, String floorPhases) {
        double ratio = replayRate / baselineRate;
        StringBuilder md = new StringBuilder();
        md.append("### Replay run of ").append(startedAt).append("\n\n");
        md.append("| | |\n| --- | --- |\n");
        md.append("| machine | ").append(Runtime.getRuntime().availableProcessors()).append(" cores (nproc) |\n");
        md.append("| database | ").append(server).append(" |\n");
        md.append("| app | ").append(appJvm).append(" |\n");
        md.append("| log | ").append(head).append(" events (global index of the head) |\n");
        md.append("| baseline: `INSERT ... SELECT` into a plain table | ")
                .append(String.format(Locale.ROOT, "%.0f", baselineRate)).append(" events/s (median of ")
                .append(baseline.stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).toList()).append(") |\n");
        md.append("| replay: every read model (").append(rebuild.path("groups")).append(") | ")
                .append(String.format(Locale.ROOT, "%.0f", replayRate)).append(" events/s (")
                .append(rebuild.path("replayedEvents").asLong()).append(" events in ")
                .append(String.format(Locale.ROOT, "%.2f", rebuild.path("replaySeconds").asDouble()))
                .append(" s; ").append(rebuild.path("segments").asInt()).append(" segments, batch size ")
                .append(rebuild.path("batchSize").asInt()).append(") |\n");
        md.append("| server floor: the log out, the rebuilt rows in by COPY, their indexes and ANALYZE, no application"
                + " (median of ").append(baselineRuns).append(") | ")
                .append(String.format(Locale.ROOT, "%.0f", floorRate)).append(" events/s, ratio ")
                .append(String.format(Locale.ROOT, "%.3f", floorRate / baselineRate))
                .append(": the best these read models allow (").append(floorPhases)
                .append(", summed over 2 connections) |\n");
        md.append("| request to switch | ").append(String.format(Locale.ROOT, "%.2f", endToEnd)).append(" s |\n");
        double floorRatio = replayRate / floorRate;
        md.append("| ratio replay / baseline | ").append(String.format(Locale.ROOT, "%.3f", ratio)).append(" |\n");
        md.append("| ratio replay / server floor | **").append(String.format(Locale.ROOT, "%.3f", floorRatio))
                .append("** (target ").append(TARGET_FLOOR_RATIO).append(": ")
                .append(floorRatio >= TARGET_FLOOR_RATIO ? "met" : "not met").append(") |\n\n");
        md.append("Command: `").append(command).append("`\n");
        return md.toString();
    }

    private static String describeServer(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT current_setting('server_version'), "
                + "current_setting('fsync'), current_setting('synchronous_commit')")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1) + " (fsync=" + rs.getString(2)
                    + ", synchronous_commit=" + rs.getString(3) + ")";
        }
    }

    private static double median(List<Double> values) {
        return median(values, Comparator.naturalOrder());
    }

    /** The middle one in {@code order} (of an even number, the upper of the two). */
    private static <T> T median(List<T> values, Comparator<? super T> order) {
        return values.stream().sorted(order).toList().get(values.size() / 2);
    }

    private static void progress(String format, Object... values) {
        System.err.printf("[bench] " + format + "%n", values);
    }
}

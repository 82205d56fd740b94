package dev.careloop.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Phase A: the fastest an event can be made durable here. Each client thread has its own connection and
 * commits one event-sized row per transaction, as an event store does for one command, with nothing else.
 */
final class RawPostgresBaseline {

    private static final String CREATE = """
            CREATE TABLE bench_raw_event (
                id           bigserial   PRIMARY KEY,
                aggregate_id text        NOT NULL,
                seq          bigint      NOT NULL,
                payload      bytea       NOT NULL,
                meta         bytea       NOT NULL,
                ts           timestamptz NOT NULL
            )""";
    private static final String INSERT =
            "INSERT INTO bench_raw_event (aggregate_id, seq, payload, meta, ts) VALUES (?, ?, ?, ?, ?)";

    private final Options options;
    private final Costs costs;

    RawPostgresBaseline(Options options, Costs costs) {
        this.options = options;
        this.costs = costs;
    }

    record Result(int clients, Latencies.Summary summary, Costs.PerOp costs, long errors, List<String> firstErrors,
                  String server, int payloadBytes, int metaBytes) {
    }

    Result run(int clients) throws SQLException, InterruptedException {
        String server;
        try (Connection admin = DriverManager.getConnection(options.jdbcUrl());
             Statement st = admin.createStatement()) {
            st.execute("DROP TABLE IF EXISTS bench_raw_event");
            st.execute(CREATE);
            server = describeServer(st);
        }
        try {
            return measure(clients, server);
        } finally {
            try (Connection admin = DriverManager.getConnection(options.jdbcUrl());
                 Statement st = admin.createStatement()) {
                st.execute("DROP TABLE IF EXISTS bench_raw_event");
            }
        }
    }

    private Result measure(int clients, String server) throws SQLException, InterruptedException {
        Errors errors = new Errors();
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                Connection c = DriverManager.getConnection(options.jdbcUrl());
                c.setAutoCommit(false);
                connections.add(c);
            }
            Window window = Window.startingNow(Duration.ofSeconds(options.warmupSeconds()),
                    Duration.ofSeconds(options.seconds()));
            Costs.Watch watch = costs.watch(window);
            List<Latencies> perThread = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (Connection c : connections) {
                Latencies latencies = new Latencies();
                perThread.add(latencies);
                Thread t = new Thread(() -> insertUntilEnd(c, window, latencies, errors), "raw-" + threads.size());
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            Latencies all = new Latencies();
            perThread.forEach(all::add);
            return new Result(clients, all.summary(window.measuredSeconds()), watch.perOp(all.count()), errors.count(),
                    errors.first(), server,
                    SampleEvent.payload(UUID.randomUUID().toString()).length, SampleEvent.metadata().length);
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    private static void insertUntilEnd(Connection c, Window window, Latencies latencies, Errors errors) {
        try (PreparedStatement insert = c.prepareStatement(INSERT)) {
            while (window.running()) {
                long start = System.nanoTime();
                try {
                    String aggregateId = UUID.randomUUID().toString();
                    insert.setString(1, aggregateId);
                    insert.setLong(2, 0);
                    insert.setBytes(3, SampleEvent.payload(aggregateId));
                    insert.setBytes(4, SampleEvent.metadata());
                    insert.setObject(5, OffsetDateTime.now());
                    insert.executeUpdate();
                    c.commit();
                } catch (SQLException e) {
                    errors.add("INSERT bench_raw_event", e);
                    rollbackQuietly(c);
                    Pause.afterError();
                    continue;
                }
                long end = System.nanoTime();
                if (window.counts(end)) {
                    latencies.record(start, end);
                }
            }
        } catch (SQLException e) {
            errors.add("prepare INSERT", e);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the next commit will tell
        }
    }

    /** What decides the baseline: the server and whether each commit waits for the disk. */
    private static String describeServer(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT current_setting('server_version'), "
                + "current_setting('fsync'), current_setting('synchronous_commit')")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1) + " (fsync=" + rs.getString(2)
                    + ", synchronous_commit=" + rs.getString(3) + ")";
        }
    }
}

package dev.careloop.bench;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The server's own share of a rebuild, with no application at all: how long the same PostgreSQL takes to stream
 * the log out (as a rebuild reads it) and to take in the rows a rebuild produced (the rebuilt tables, as they
 * are), with their indexes and statistics, on two connections side by side as the rebuild does. No rebuild can
 * be faster than this, however little the application itself costs; its rate next to the baseline is the best
 * ratio these read models allow on this machine.
 */
final class ServerFloor {

    private static final String SCHEMA = "bench_floor";
    private static final int CONNECTIONS = 2;
    private static final String LOG_OUT = "log out";
    private static final String COPY_IN = "COPY in";
    private static final String INDEXES = "indexes";
    private static final String ANALYZE = "ANALYZE";
    private static final List<String> PHASES = List.of(LOG_OUT, COPY_IN, INDEXES, ANALYZE);

    private final String jdbcUrl;

    ServerFloor(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    /** One measurement: the wall time, and each phase's time summed over the connections. */
    record Run(double seconds, Map<String, Double> phases) {

        /** {@code log out 0.41 s, COPY 1.90 s, ...}: connection-seconds, so they add up to more than the wall time. */
        String describePhases() {
            StringBuilder text = new StringBuilder();
            phases.forEach((phase, spent) -> text.append(text.isEmpty() ? "" : ", ").append(phase)
                    .append(String.format(Locale.ROOT, " %.2f s", spent)));
            return text.toString();
        }
    }

    /** The log up to {@code head} out and {@code tables}' rows, indexes and statistics in. */
    Run run(long head, List<String> tables) throws Exception {
        Map<String, Double> phases = Collections.synchronizedMap(new LinkedHashMap<>());
        for (String phase : PHASES) {
            phases.put(phase, 0.0);
        }
        List<Path> rows = new ArrayList<>();
        try {
            copies(tables, rows);
            List<Callable<Void>> work = new ArrayList<>();
            work.add(() -> readLog(head, phases));
            for (int i = 0; i < tables.size(); i++) {
                String table = tables.get(i);
                Path data = rows.get(i);
                work.add(() -> load(table, data, phases));
            }
            ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
            try {
                long start = System.nanoTime();
                for (Future<Void> done : pool.invokeAll(work)) {
                    done.get();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                return new Run(seconds, Collections.unmodifiableMap(new LinkedHashMap<>(phases)));
            } finally {
                pool.shutdownNow();
            }
        } finally {
            for (Path file : rows) {
                Files.deleteIfExists(file);
            }
            try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            }
        }
    }

    /**
     * Each table's rows as COPY text in a file of {@code rows} (not timed: a table can be larger than this JVM's
     * heap), and an empty copy of it in the floor's own schema.
     */
    private void copies(List<String> tables, List<Path> rows) throws SQLException, IOException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("CREATE SCHEMA " + SCHEMA);
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (String table : tables) {
                Path file = Files.createTempFile("careloop-floor-" + table, ".copy");
                rows.add(file);
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
                    copy.copyOut("COPY public." + table + " TO STDOUT", out);
                }
                st.execute("CREATE TABLE " + SCHEMA + "." + table + " (LIKE public." + table
                        + " INCLUDING DEFAULTS)");
            }
        }
    }

    /** The log streamed out in order, every column, as a rebuild's single query reads it. */
    private Void readLog(long head, Map<String, Double> phases) throws SQLException, IOException {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            long start = System.nanoTime();
            c.unwrap(PGConnection.class).getCopyAPI().copyOut("""
                    COPY (SELECT global_index, type, aggregate_identifier, sequence_number, event_identifier,
                        time_stamp, payload_type, payload_revision, payload, meta_data
                    FROM domain_event_entry WHERE global_index <= %d ORDER BY global_index) TO STDOUT (FORMAT binary)"""
                    .formatted(head), OutputStream.nullOutputStream());
            spent(phases, LOG_OUT, start);
        }
        return null;
    }

    /** One table's rows by COPY, then its indexes (as the live table has them), then ANALYZE. */
    private Void load(String table, Path data, Map<String, Double> phases) throws SQLException, IOException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement()) {
            st.execute("SET synchronous_commit TO off");
            long start = System.nanoTime();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(data))) {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + SCHEMA + "." + table + " FROM STDIN", in);
            }
            spent(phases, COPY_IN, start);
            List<String> indexes = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ?")) {
                q.setString(1, table);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        indexes.add(rs.getString(1).replaceFirst(" ON (ONLY )?public\\." + table + " ",
                                " ON " + SCHEMA + "." + table + " "));
                    }
                }
            }
            start = System.nanoTime();
            for (String index : indexes) {
                st.execute(index);
            }
            spent(phases, INDEXES, start);
            start = System.nanoTime();
            st.execute("ANALYZE " + SCHEMA + "." + table);
            spent(phases, ANALYZE, start);
        }
        return null;
    }

    private static void spent(Map<String, Double> phases, String phase, long since) {
        phases.merge(phase, (System.nanoTime() - since) / 1e9, Double::sum);
    }
}

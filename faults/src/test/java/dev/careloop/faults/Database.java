package dev.careloop.faults;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The PostgreSQL the app under test talks to, run by the suite (not inside the app) so that a scenario can stop
 * and start it under the running app: same data directory, same port.
 */
final class Database implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres postgres;

    Database(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /** A fresh cluster: whatever an earlier run left in the data directory is removed first. */
    static Database fresh(Path dataDir) throws IOException {
        if (Files.exists(dataDir)) {
            try (var paths = Files.walk(dataDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dataDir.getParent());
        Database database = new Database(dataDir, FreePorts.take());
        database.start();
        return database;
    }

    void start() throws IOException {
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                // Kept between stop and start: the scenario restarts the same database.
                .setCleanDataDirectory(false)
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(90))
                .setServerConfig("max_connections", "200")
                .start();
        // The postmaster's pid is the first line of postmaster.pid; SIGQUIT is PostgreSQL's immediate shutdown.
        Watchdog.guard(Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim()), "QUIT");
    }

    /** A fast shutdown, as an operator's restart or a failover does: sessions are cut, committed data stays. */
    void stop() throws IOException {
        if (postgres != null) {
            EmbeddedPostgres running = postgres;
            postgres = null;
            running.close();
        }
    }

    /**
     * A crash of PostgreSQL's server, as a power cut leaves it: the postmaster and every process it started are killed
     * with SIGKILL at once, nothing is flushed or shut down; {@link #start} then recovers the cluster from its WAL.
     */
    void crash() throws IOException, InterruptedException {
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(
                () -> new IllegalStateException("no postmaster with pid " + pid));
        // The postmaster first, so that it cannot start a recovery of its own, then every process it had started.
        var processes = new java.util.ArrayList<>(postmaster.descendants().toList());
        processes.add(0, postmaster);
        processes.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : processes) {
            process.onExit().join();
        }
        // Closing the crashed server's handle releases its lock on the data directory; its clean stop finds no
        // server and says so in the log.
        EmbeddedPostgres crashed = postgres;
        postgres = null;
        crashed.close();
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "");
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}

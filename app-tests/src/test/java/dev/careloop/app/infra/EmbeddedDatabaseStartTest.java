package dev.careloop.app.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Starts of the embedded PostgreSQL that a crash or a mistake would otherwise turn into a lockout or a riddle. */
class EmbeddedDatabaseStartTest {

    private final Path home = Path.of("target", "embedded-start-" + System.nanoTime()).toAbsolutePath();

    @AfterEach
    void deleteTheData() throws IOException {
        FileSystemUtils.deleteRecursively(home);
    }

    @Test
    void aStalePostmasterPidWhoseProcessIsGoneDoesNotStopTheStart() throws Exception {
        Path dataDir = home.resolve("postgres");
        try (EmbeddedPostgres postgres = EmbeddedDatabase.start(dataDir, 0, false, Duration.ofMinutes(2))) {
            write(postgres, "create table kept(v text); insert into kept values ('before')");
        }
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(dataDir.resolve("postmaster.pid"), gone.pid() + "\n" + dataDir + "\n");

        try (EmbeddedPostgres postgres = EmbeddedDatabase.start(dataDir, 0, false, Duration.ofMinutes(2))) {
            assertThat(read(postgres, "select v from kept")).isEqualTo("before");
        }
    }

    @Test
    void aPostmasterPidNamingAnotherLiveProcessIsNotTakenForAServer() throws Exception {
        Path dataDir = home.resolve("postgres");
        try (EmbeddedPostgres ignored = EmbeddedDatabase.start(dataDir, 0, false, Duration.ofMinutes(2))) {
            // a cluster, then stopped
        }
        // A reused PID: this JVM is alive, but it is no PostgreSQL of this directory.
        Files.writeString(dataDir.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n" + dataDir + "\n");

        try (EmbeddedPostgres postgres = EmbeddedDatabase.start(dataDir, 0, false, Duration.ofMinutes(2))) {
            assertThat(read(postgres, "select 'up'")).isEqualTo("up");
        }
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @Test
    void aServerThatARunningCareLoopOwnsIsLeftAloneAndTheSecondStartRefused() throws Exception {
        Path dataDir = home.resolve("postgres");
        try (EmbeddedPostgres running = EmbeddedDatabase.start(dataDir, 0, false, Duration.ofMinutes(2))) {
            assertThatThrownBy(() -> EmbeddedDatabase.start(dataDir, 0, false, Duration.ofMinutes(2)))
                    .isInstanceOf(EmbeddedDatabaseFailure.class)
                    .hasMessageContaining("is in use by another running CareLoop");
            assertThat(read(running, "select 'still up'")).isEqualTo("still up");
        }
    }

    @Test
    void aTakenPortIsNamedInOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedDatabase.start(home.resolve("postgres"), port, false, Duration.ofMinutes(2)))
                    .isInstanceOf(EmbeddedDatabaseFailure.class)
                    .hasMessage("The embedded PostgreSQL cannot start: port " + port + " is already in use")
                    .extracting(e -> ((EmbeddedDatabaseFailure) e).action()).asString()
                    .contains("CARELOOP_EMBEDDED_DB_PORT");
        }
    }

    @Test
    void aDataDirectoryThatCannotBeCreatedIsNamedInOneLine() throws Exception {
        Files.createDirectories(home);
        Path aFile = Files.writeString(home.resolve("not-a-directory"), "x");

        assertThatThrownBy(() -> EmbeddedDatabase.start(aFile.resolve("postgres"), 0, false, Duration.ofMinutes(2)))
                .isInstanceOf(EmbeddedDatabaseFailure.class)
                .hasMessageStartingWith("The embedded PostgreSQL cannot start: its data directory "
                        + aFile.resolve("postgres") + " cannot be created")
                .extracting(e -> ((EmbeddedDatabaseFailure) e).action()).asString()
                .contains("CARELOOP_DATA_DIR");
    }

    @Test
    void theFailureAnalyzerReportsTheReasonAndWhatToDoInsteadOfTheCauseChain() {
        var failure = new EmbeddedDatabaseFailure("port 5 is already in use", "Free the port.");
        var wrapped = new IllegalStateException("Error creating bean with name 'fhirFacade'",
                new IllegalStateException("Error creating bean with name 'dataSource'", failure));

        var analysis = new EmbeddedDatabaseFailure.Analyzer().analyze(wrapped);

        assertThat(analysis.getDescription()).isEqualTo("The embedded PostgreSQL cannot start: port 5 is already in use");
        assertThat(analysis.getAction()).isEqualTo("Free the port.");
    }

    private static void write(EmbeddedPostgres postgres, String sql) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            c.createStatement().execute(sql);
        }
    }

    private static String read(EmbeddedPostgres postgres, String sql) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}

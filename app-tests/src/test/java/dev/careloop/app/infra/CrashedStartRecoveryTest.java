package dev.careloop.app.infra;

import dev.careloop.app.CareLoopClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * CareLoop as a user runs it (the local profile, with its demo issuer), a separate process on one data
 * directory, killed with SIGKILL (a crash, an OOM kill, a closed terminal): once after it started, once while its
 * PostgreSQL is starting. Each kill leaves a PostgreSQL running with its postmaster.pid (zonky starts it through
 * pg_ctl); the next start still comes up, with the data written before.
 */
class CrashedStartRecoveryTest {

    /** A start takes ~30 s here; generous for a machine loaded by a parallel build. */
    private static final Duration START = Duration.ofMinutes(10);

    private final Path home = Path.of("target", "crashed-start-" + System.nanoTime()).toAbsolutePath();
    private final Path dataDir = home.resolve("postgres");
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (Process process : started) {
            process.destroyForcibly().waitFor();
        }
        LeftoverPostmaster.clear(dataDir, Duration.ofSeconds(30));
        // The processes' logs stay in target/ for a failure's reader.
        FileSystemUtils.deleteRecursively(dataDir);
    }

    @Test
    void aKilledCareLoopLeavesNoLockoutAndItsDataIsKept() throws Exception {
        int port = freePort();
        Process first = start(port, "first");
        awaitReady(first, port);
        var gp = CareLoopClient.as(port, "northside-gp-staff");
        var sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-CRASH-1"));
        assertThat(sent.status()).isEqualTo(201);
        String referral = sent.header("Location").substring("/api/referrals/".length());

        first.destroyForcibly().waitFor();
        long orphan = postmasterPid().orElseThrow();
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive))
                .as("the killed CareLoop's PostgreSQL is still running: the case this test is about")
                .contains(true);

        // Killed again, this time while its database is starting.
        Process second = start(port, "second");
        long secondsPostgres = awaitNewPostmaster(second, orphan);
        second.destroyForcibly().waitFor();
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false))
                .as("the first orphan was stopped by the second start").isFalse();

        Process third = start(port, "third");
        awaitReady(third, port);
        assertThat(ProcessHandle.of(secondsPostgres).map(ProcessHandle::isAlive).orElse(false))
                .as("the second orphan was stopped by the third start").isFalse();
        var derm = CareLoopClient.as(port, "riverside-derm-staff");
        var kept = derm.get("/api/referrals/" + referral);
        assertThat(kept.status()).isEqualTo(200);
        assertThat(kept.header("ETag")).as("the referral as it was before the kills").isNotBlank();
    }

    private Process start(int port, String name) throws IOException {
        Files.createDirectories(home);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // C1 only: these processes only start (and are killed), where the second compiler costs and never pays.
        ProcessBuilder builder = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "dev.careloop.app.CareLoopApplication", "--spring.profiles.active=local", "--server.port=" + port)
                .redirectErrorStream(true)
                .redirectOutput(home.resolve(name + ".log").toFile());
        builder.environment().put("CARELOOP_DATA_DIR", dataDir.toString());
        builder.environment().put("CARELOOP_DEMO_DATA", "false");
        Process process = builder.start();
        started.add(process);
        return process;
    }

    private void awaitReady(Process process, int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest readiness = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("CareLoop stopped during its start (exit " + process.exitValue() + "); see " + home);
            }
            try {
                if (http.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // next try
            }
            Thread.sleep(250);
        }
        fail("CareLoop was not ready within " + START + "; see " + home);
    }

    private long awaitNewPostmaster(Process process, long previous) throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("CareLoop is still starting").isTrue();
            Optional<Long> pid = postmasterPid();
            if (pid.isPresent() && pid.get() != previous) {
                return pid.get();
            }
            Thread.sleep(20);
        }
        return fail("no new PostgreSQL started within " + START);
    }

    private Optional<Long> postmasterPid() {
        File pidFile = dataDir.resolve("postmaster.pid").toFile();
        try {
            String first = Files.readAllLines(pidFile.toPath()).get(0).trim();
            return Optional.of(Long.parseLong(first));
        } catch (IOException | IndexOutOfBoundsException | NumberFormatException notThere) {
            return Optional.empty();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package dev.careloop.faults;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * CareLoop as a user runs it (the built jar, the local profile, its own embedded PostgreSQL in its data directory),
 * killed with SIGKILL (a crash, an OOM kill, a closed terminal): once after it started, once while its PostgreSQL is
 * starting. Each kill leaves a PostgreSQL running with its postmaster.pid (zonky starts it through pg_ctl); the next
 * start still comes up, with the data written before.
 */
class CrashedStartRecoveryTest {

    private static final Duration START = Duration.parse(System.getProperty("faults.start-timeout", "PT10M"));

    private final Path home = AppProcess.TARGET.resolve("faults").resolve("crashed-start-" + System.nanoTime())
            .toAbsolutePath();
    private final Path dataDir = home.resolve("postgres");
    private final List<Process> started = new ArrayList<>();
    /** The suite's port for this CareLoop; another one after a clash (see {@link #startReady}). */
    private int port = FreePorts.take();

    @AfterEach
    void stopEverything() throws Exception {
        for (Process process : started) {
            process.destroyForcibly().waitFor();
        }
        // The last start's PostgreSQL outlives the killed CareLoop: that is what the test is about.
        postmasterPid().flatMap(ProcessHandle::of).ifPresent(postmaster -> {
            postmaster.destroyForcibly();
            postmaster.onExit().join();
        });
        // The processes' logs stay in target/ for a failure's reader; the data goes.
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException alreadyGone) {
            // nothing to delete
        }
    }

    @Test
    void aKilledCareLoopLeavesNoLockoutAndItsDataIsKept() throws Exception {
        Process first = startReady("first");
        Api api = new Api("http://localhost:" + port);
        Api.Reply sent = api.post(Api.GP, "/api/referrals", Map.of("recipientOrganisation", "riverside-derm",
                "priority", "routine", "service", "Dermatology consultation", "reason", "Crashed start",
                "patient", Map.of("identifierSystem", "https://northside-gp.example/mrn",
                        "identifierValue", "MRN-CRASH-1", "name", "Alex Example", "birthDate", "1980-04-02")));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        String referral = sent.json().path("referralId").asText();

        first.destroyForcibly().waitFor();
        long orphan = postmasterPid().orElseThrow();
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive))
                .as("the killed CareLoop's PostgreSQL is still running: the case this test is about")
                .contains(true);

        // Killed again, this time while its database is starting.
        Process second = start("second");
        long secondsPostgres = awaitNewPostmaster(second, orphan);
        second.destroyForcibly().waitFor();
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false))
                .as("the first orphan was stopped by the second start").isFalse();

        startReady("third");
        assertThat(ProcessHandle.of(secondsPostgres).map(ProcessHandle::isAlive).orElse(false))
                .as("the second orphan was stopped by the third start").isFalse();
        Api.Reply kept = new Api("http://localhost:" + port).get(Api.DERM, "/api/referrals/" + referral);
        assertThat(kept.status()).isEqualTo(200);
        assertThat(kept.header("ETag")).as("the referral as it was before the kills").isNotBlank();
    }

    /**
     * Starts CareLoop and waits until it is ready. The port lies in the kernel's ephemeral range (as AppProcess says):
     * an outgoing connection may take it before Tomcat binds it. On that clash it starts again on another port.
     */
    private Process startReady(String name) throws Exception {
        for (int attempt = 1; ; attempt++) {
            String run = attempt == 1 ? name : name + "-" + attempt;
            Process process = start(run);
            try {
                awaitReady(process, port);
                return process;
            } catch (AssertionError e) {
                process.destroyForcibly().waitFor();
                String log = Files.readString(home.resolve(run + ".log"));
                if (attempt == 3 || !log.contains("Port " + port + " was already in use")) {
                    throw e;
                }
                port = FreePorts.take();
            }
        }
    }

    private Process start(String name) throws IOException {
        Files.createDirectories(home);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // C1 only: these processes only start (and are killed), where the second compiler costs and never pays.
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-XX:ReservedCodeCacheSize=240m", "-jar", AppProcess.JAR.toAbsolutePath().toString(),
                "--spring.profiles.active=local", "--server.port=" + port)
                .redirectErrorStream(true)
                .redirectOutput(home.resolve(name + ".log").toFile());
        builder.environment().put("CARELOOP_DATA_DIR", dataDir.toString());
        builder.environment().put("CARELOOP_DEMO_DATA", "false");
        Process process = builder.start();
        started.add(process);
        Watchdog.guard(process.pid(), "KILL");
        return process;
    }

    private void awaitReady(Process process, int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest readiness = HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/health/readiness")).timeout(Duration.ofSeconds(5))
                .build();
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
        try {
            String first = Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim();
            return Optional.of(Long.parseLong(first));
        } catch (IOException | IndexOutOfBoundsException | NumberFormatException notThere) {
            return Optional.empty();
        }
    }
}

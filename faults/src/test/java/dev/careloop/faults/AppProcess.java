package dev.careloop.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built CareLoop jar as its own OS process, as an operator runs it: {@code java -jar} with the local profile,
 * its own HTTP port, pointed at the suite's PostgreSQL. Its output goes to a log file under target/.
 */
final class AppProcess implements AutoCloseable {

    static final Path JAR = Path.of(System.getProperty("careloop.jar", "../app/target/app-0.1.0-SNAPSHOT.jar"));
    static final Path TARGET = Path.of(System.getProperty("faults.target", "target"));

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;
    /** Where this process's output starts in the log, which earlier runs of the suite in the same target/ share. */
    private final long logStart;

    private AppProcess(String name, int port, Process process, Path log, long logStart) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
        this.logStart = logStart;
        this.logRead = logStart;
    }

    /** Starts the jar; {@code settings} are environment variables on top of the suite's own. */
    static AppProcess start(String name, int port, Database database, Map<String, String> settings)
            throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException("no CareLoop jar at " + JAR.toAbsolutePath()
                    + ": build app first (./mvnw -B verify builds it before this module)");
        }
        Path home = TARGET.resolve("faults").resolve(name).toAbsolutePath();
        Files.createDirectories(home);
        Path log = home.resolve("app.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The JIT's first tier only: these processes live for a scenario, and most of their life is
                // starting; the second tier's compiler would spend the two cores on code the scenario never reuses.
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=240m",
                "-jar", JAR.toAbsolutePath().toString(),
                "--spring.profiles.active=local", "--server.port=" + port));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.put("CARELOOP_DB_URL", database.jdbcUrl());
        env.put("CARELOOP_DB_USER", "postgres");
        env.put("CARELOOP_DB_PASSWORD", "");
        env.put("CARELOOP_DATA_DIR", home.resolve("data").toString());
        env.put("CARELOOP_EMBEDDED_DB_PORT", Integer.toString(FreePorts.take()));
        env.put("CARELOOP_FHIR_BASE_URL", "http://localhost:" + port + "/fhir");
        env.put("CARELOOP_LOG_FORMAT", "logstash");
        env.putAll(settings);
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        AppProcess app = new AppProcess(name, port, builder.start(), log, logStart);
        Runtime.getRuntime().addShutdownHook(new Thread(app.process::destroyForcibly));
        Watchdog.guard(app.process.pid(), "KILL");
        return app;
    }

    /**
     * Starts the jar and waits until it is ready. The port is free when chosen, but it lies in the kernel's
     * ephemeral range: before Tomcat binds it, an outgoing connection may take it (a client retrying a port where
     * nothing listens can even connect to itself). On that clash the app is started again on another port.
     */
    static AppProcess startReady(String name, int port, Database database, Map<String, String> settings,
                                 long sinceNanos, Duration timeout) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            AppProcess app = start(name, port, database, settings);
            try {
                app.awaitReady(sinceNanos, timeout);
                return app;
            } catch (IllegalStateException e) {
                app.kill();
                if (attempt == 3 || !app.logContains("Port " + port + " was already in use")) {
                    throw e;
                }
                port = FreePorts.take();
            }
        }
    }

    /**
     * Waits until readiness answers UP and says how long it took from {@code since}. Fails when the process
     * exits or the wait runs out (generous: a loaded 2-core machine may take 90 s to start it).
     */
    Duration awaitReady(long sinceNanos, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log:\n" + tail());
            }
            // The report comes a moment before the JVM exits: no need to wait for the exit.
            if (failedToStart()) {
                throw new IllegalStateException(name + " failed to start; log:\n" + tail());
            }
            if (readinessStatus() == 200) {
                return Duration.ofNanos(System.nanoTime() - sinceNanos);
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + "; log:\n" + tail());
    }

    private long logRead;

    /** Whether Spring Boot's failure report has appeared in the log since the last look. */
    boolean failedToStart() {
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(0, logRead - 64);
            byte[] chunk = new byte[(int) Math.min(8 << 20, file.length() - from)];
            file.seek(from);
            file.readFully(chunk);
            logRead = from + chunk.length;
            return new String(chunk, java.nio.charset.StandardCharsets.UTF_8).contains("APPLICATION FAILED TO START");
        } catch (IOException e) {
            return false;
        }
    }

    /** The readiness probe's status, or -1 when nothing answered within 5 s. */
    int readinessStatus() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String baseUrl() {
        return "http://localhost:" + port;
    }

    int port() {
        return port;
    }

    /** The exit code once the process has ended, or null when it still runs after {@code timeout}. */
    Integer awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** kill -9: no shutdown hook, no graceful stop, whatever was in flight is cut. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** An orderly stop (SIGTERM), forced after 60 s. */
    void stop() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Whether the whole log (not only its tail: the processors log on after a failed start) holds {@code text}. */
    boolean logContains(String text) {
        try {
            return ownLog().contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    List<String> logLines() throws IOException {
        return ownLog().lines().toList();
    }

    /** What this process wrote to the log (not an earlier process of the same name). */
    private String ownLog() throws IOException {
        byte[] all = Files.readAllBytes(log);
        int from = (int) Math.min(logStart, all.length);
        return new String(all, from, all.length - from, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The last lines of the log, for a failure message. */
    String tail() {
        try {
            List<String> lines = ownLog().lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}

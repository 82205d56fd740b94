package dev.careloop.faults;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access log's promise under kill -9 (docs/ACCESS.md, "The access log's guarantee"): a read answered 200 has its
 * access entry committed. Clients read referrals (the referral, its timeline, the outbox list), each read with its
 * own X-Request-Id; 5 s into the load the app is killed with SIGKILL; then every request id answered 200 must be
 * the request id of exactly one entry of {@code access_entry}, and {@code verify-log} must find the access chain
 * intact. Entries of reads whose answer never arrived may be there too (committed, then killed before the answer).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessLogKillTest {

    private static final Duration START = Duration.parse(System.getProperty("faults.start-timeout", "PT10M"));
    private static final int CLIENTS = 8;
    private static final int REFERRALS = 5;
    private static final Duration LOAD_BEFORE_KILL = Duration.ofSeconds(5);

    private Database database;
    private AppProcess app;
    private Api api;

    @BeforeAll
    void start() throws Exception {
        database = Database.fresh(AppProcess.TARGET.resolve("faults").resolve("access-postgres").toAbsolutePath());
        app = AppProcess.startReady("access-app", FreePorts.take(), database, Map.of(), System.nanoTime(), START);
        api = new Api(app.baseUrl());
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (app != null) {
                app.kill();
            }
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }

    @Test
    void everyReadAnswered200BeforeAKillNineHasItsAccessEntry() throws Exception {
        List<String> referrals = new ArrayList<>();
        for (int i = 0; i < REFERRALS; i++) {
            Api.Reply sent = api.post(Api.GP, "/api/referrals", Map.of("recipientOrganisation", "riverside-derm",
                    "priority", "routine", "service", "Dermatology consultation", "reason", "Kill test " + i,
                    "patient", Map.of("identifierSystem", "https://northside-gp.example/mrn",
                            "identifierValue", "KILL-" + i, "name", "Alex Example", "birthDate", "1980-04-02")));
            assertThat(sent.status()).as(sent.body()).isEqualTo(201);
            referrals.add(sent.json().path("referralId").asText());
        }
        api.token(Api.DERM);

        Set<String> answered = ConcurrentHashMap.newKeySet();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicBoolean reading = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Thread thread = new Thread(() -> {
                for (int n = 0; reading.get(); n++) {
                    String id = referrals.get((client + n) % referrals.size());
                    String path = switch (n % 3) {
                        case 0 -> "/api/referrals/" + id;
                        case 1 -> "/api/referrals/" + id + "/timeline";
                        default -> "/api/referrals?box=outbox&size=5";
                    };
                    String requestId = "kill-read-" + client + "-" + n;
                    try {
                        Api.Reply reply = api.send(n % 3 == 1 ? Api.DERM : Api.GP, "GET", path, null,
                                Map.of("X-Request-Id", requestId));
                        statuses.computeIfAbsent(reply.status(), s -> new AtomicInteger()).incrementAndGet();
                        if (reply.status() == 200) {
                            answered.add(requestId);
                        }
                    } catch (IOException e) {
                        // The process is gone: nothing was answered.
                        failed.incrementAndGet();
                        pause();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "access-reader-" + c);
            thread.start();
            clients.add(thread);
        }
        Thread.sleep(LOAD_BEFORE_KILL.toMillis());
        app.kill();
        Thread.sleep(500);
        reading.set(false);
        for (Thread thread : clients) {
            thread.join(TimeUnit.SECONDS.toMillis(40));
        }

        Map<String, Integer> entries = entriesFor(answered);
        List<String> missing = answered.stream().filter(id -> !entries.containsKey(id)).sorted().toList();
        List<String> twice = entries.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey)
                .toList();
        long unanswered = committedKillReads() - answered.size();
        System.out.printf("%nAccess log under kill -9: %d reads answered 200 (statuses %s), %d failed after the kill; "
                        + "%d of them have their entry; %d entries of reads whose answer never arrived%n",
                answered.size(), statuses, failed.get(), answered.size() - missing.size(), unanswered);

        assertThat(answered).as("reads answered before the kill").hasSizeGreaterThanOrEqualTo(20);
        assertThat(missing).as("reads answered 200 without a committed access entry").isEmpty();
        assertThat(twice).as("reads with more than one entry").isEmpty();
        VerifyLog verified = verifyLog();
        assertThat(verified.status()).as(verified.output()).isZero();
        assertThat(verified.output()).contains("access log intact");
    }

    /** How many entries each of {@code requestIds} has. */
    private Map<String, Integer> entriesFor(Set<String> requestIds) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        try (Connection connection = database.connect();
             PreparedStatement query = connection.prepareStatement("""
                     SELECT request_id, count(*) FROM access_entry WHERE request_id = ANY (?) GROUP BY request_id""")) {
            Array ids = connection.createArrayOf("text", requestIds.toArray());
            query.setArray(1, ids);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    counts.put(row.getString(1), row.getInt(2));
                }
            }
        }
        return counts;
    }

    private long committedKillReads() throws Exception {
        try (Connection connection = database.connect();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT count(*) FROM access_entry WHERE request_id LIKE 'kill-read-%'");
             ResultSet row = query.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private record VerifyLog(int status, String output) {
    }

    /** The operator's check after the crash: {@code java -jar app.jar verify-log} against the database. */
    private VerifyLog verifyLog() throws Exception {
        Path out = AppProcess.TARGET.resolve("faults").resolve("access-app").resolve("verify-log.txt").toAbsolutePath();
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", AppProcess.JAR.toAbsolutePath().toString(), "verify-log", "--url", database.jdbcUrl(),
                "--user", "postgres")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("verify-log did not end within 3 minutes");
        }
        return new VerifyLog(process.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8));
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

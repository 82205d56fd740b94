package dev.careloop.faults;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

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
 * The access log's promises under crashes (docs/ACCESS.md, "The access log's guarantee"). Clients read referrals (the
 * referral, its timeline, the outbox list), each read with its own X-Request-Id, and once 300 reads were answered (at
 * least 5 s, at most 30 s into the load) something crashes:
 * <ul>
 * <li>PostgreSQL's server, every process of it killed with SIGKILL at once: by default PostgreSQL confirms the access
 * log's commits before flushing them, so the entries of the reads answered in the last moments may be gone after its
 * recovery, but every read answered {@link #FLUSHED_WITHIN} or more before the crash must have its entry (PostgreSQL
 * flushes an unflushed commit within 3 x wal_writer_delay, 0.6 s; the margin is for a starved WAL writer on a busy
 * machine);</li>
 * <li>CareLoop, with SIGKILL: every request id answered 200 must be the request id of exactly one entry of
 * {@code access_entry}: an answered read's entry was committed before its answer.</li>
 * </ul>
 * After each, {@code verify-log} must find the access chain intact. Entries of reads whose answer never arrived may be
 * there too (committed, then the crash before the answer).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessLogKillTest {

    private static final Duration START = Duration.parse(System.getProperty("faults.start-timeout", "PT10M"));
    private static final int CLIENTS = 8;
    private static final int REFERRALS = 5;
    /** The kill lands mid-stream: after at least this much load... */
    private static final Duration LOAD_BEFORE_KILL = Duration.ofSeconds(5);
    /** ...and once this many reads were answered (a cold or loaded machine answers few at first), or at the cap. */
    private static final int ANSWERED_BEFORE_KILL = 300;
    private static final Duration KILL_AT_THE_LATEST = Duration.ofSeconds(30);
    /** A read answered this long before PostgreSQL crashed has its entry flushed (see the class comment). */
    private static final Duration FLUSHED_WITHIN = Duration.ofSeconds(2);

    private Database database;
    private AppProcess app;
    private Api api;
    private final List<String> referrals = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        database = Database.fresh(AppProcess.TARGET.resolve("faults").resolve("access-postgres").toAbsolutePath());
        app = AppProcess.startReady("access-app", FreePorts.take(), database, Map.of(), System.nanoTime(), START);
        api = new Api(app.baseUrl());
        for (int i = 0; i < REFERRALS; i++) {
            Api.Reply sent = api.post(Api.GP, "/api/referrals", Map.of("recipientOrganisation", "riverside-derm",
                    "priority", "routine", "service", "Dermatology consultation", "reason", "Kill test " + i,
                    "patient", Map.of("identifierSystem", "https://northside-gp.example/mrn",
                            "identifierValue", "KILL-" + i, "name", "Alex Example", "birthDate", "1980-04-02")));
            assertThat(sent.status()).as(sent.body()).isEqualTo(201);
            referrals.add(sent.json().path("referralId").asText());
        }
        api.token(Api.DERM);
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
    @Order(1)
    void everyReadAnsweredBeforeTheFlushWindowOfAPostgresCrashHasItsAccessEntry() throws Exception {
        Reads reads = new Reads("crash-read-");
        reads.untilEnoughAnswered();
        long crashedAt = System.nanoTime();
        database.crash();
        Thread.sleep(500);
        reads.stop();
        database.start();

        Map<String, Long> answered = reads.answeredAt();
        Map<String, Integer> entries = entriesFor(answered.keySet());
        long flushedBefore = crashedAt - FLUSHED_WITHIN.toNanos();
        List<String> older = answered.entrySet().stream().filter(e -> e.getValue() <= flushedBefore)
                .map(Map.Entry::getKey).sorted().toList();
        List<String> missing = older.stream().filter(id -> !entries.containsKey(id)).toList();
        long lastMoments = answered.size() - older.size();
        long lostOfLastMoments = answered.keySet().stream()
                .filter(id -> answered.get(id) > flushedBefore && !entries.containsKey(id)).count();
        System.out.printf("%nAccess log under a PostgreSQL crash: %d reads answered 200 (statuses %s), %d of them %d ms "
                        + "or more before the crash, %d without their entry; of the %d answered in the last %d ms, %d "
                        + "without their entry%n", answered.size(), reads.statuses(), older.size(),
                FLUSHED_WITHIN.toMillis(), missing.size(), lastMoments, FLUSHED_WITHIN.toMillis(), lostOfLastMoments);

        assertThat(older).as("reads answered before the flush window").hasSizeGreaterThanOrEqualTo(20);
        assertThat(missing).as("reads answered %d ms or more before the crash without an access entry",
                FLUSHED_WITHIN.toMillis()).isEmpty();
        assertThat(entries.values()).as("reads with more than one entry").allMatch(n -> n == 1);
        assertAccessChainIntact();

        // The app rides out the outage (its reads answered 503 meanwhile) and reads again, for the next scenario.
        long back = System.nanoTime();
        while (api.get(Api.GP, "/api/referrals/" + referrals.get(0)).status() != 200) {
            assertThat(System.nanoTime() - back).as("reads answered again after PostgreSQL's recovery")
                    .isLessThan(Duration.ofMinutes(2).toNanos());
            Thread.sleep(500);
        }
    }

    @Test
    @Order(2)
    void everyReadAnswered200BeforeAKillNineHasItsAccessEntry() throws Exception {
        Reads reads = new Reads("kill-read-");
        reads.untilEnoughAnswered();
        app.kill();
        Thread.sleep(500);
        reads.stop();

        Set<String> answered = reads.answeredAt().keySet();
        Map<String, Integer> entries = entriesFor(answered);
        List<String> missing = answered.stream().filter(id -> !entries.containsKey(id)).sorted().toList();
        List<String> twice = entries.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey)
                .toList();
        long unanswered = committedReads("kill-read-") - answered.size();
        System.out.printf("%nAccess log under kill -9: %d reads answered 200 (statuses %s), %d failed after the kill; "
                        + "%d of them have their entry; %d entries of reads whose answer never arrived%n",
                answered.size(), reads.statuses(), reads.failed(), answered.size() - missing.size(), unanswered);

        assertThat(answered).as("reads answered before the kill").hasSizeGreaterThanOrEqualTo(20);
        assertThat(missing).as("reads answered 200 without a committed access entry").isEmpty();
        assertThat(twice).as("reads with more than one entry").isEmpty();
        assertAccessChainIntact();
    }

    /** The access chain's verdict only: the event log's is the other scenarios' business (V47: a crash may leave
     * committed events not chained yet). */
    private void assertAccessChainIntact() throws Exception {
        VerifyLog verified = verifyLog();
        assertThat(verified.output()).as("verify-log exited %d", verified.status())
                .containsPattern("access log intact up to entry \\d+, \\d+ entries checked from the start");
    }

    /**
     * {@link #CLIENTS} threads reading the referrals in turn, each read with its own request id, until stopped; which
     * were answered 200, and when.
     */
    private final class Reads {
        private final Map<String, Long> answeredAt = new ConcurrentHashMap<>();
        private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        private final AtomicInteger failed = new AtomicInteger();
        private final AtomicBoolean reading = new AtomicBoolean(true);
        private final List<Thread> clients = new ArrayList<>();
        private final long started = System.nanoTime();

        Reads(String prefix) {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                Thread thread = new Thread(() -> read(prefix, client), "access-reader-" + c);
                thread.start();
                clients.add(thread);
            }
        }

        private void read(String prefix, int client) {
            for (int n = 0; reading.get(); n++) {
                String id = referrals.get((client + n) % referrals.size());
                String path = switch (n % 3) {
                    case 0 -> "/api/referrals/" + id;
                    case 1 -> "/api/referrals/" + id + "/timeline";
                    default -> "/api/referrals?box=outbox&size=5";
                };
                String requestId = prefix + client + "-" + n;
                try {
                    Api.Reply reply = api.send(n % 3 == 1 ? Api.DERM : Api.GP, "GET", path, null,
                            Map.of("X-Request-Id", requestId));
                    long at = System.nanoTime();
                    statuses.computeIfAbsent(reply.status(), s -> new AtomicInteger()).incrementAndGet();
                    if (reply.status() == 200) {
                        answeredAt.put(requestId, at);
                    } else {
                        pause();
                    }
                } catch (IOException e) {
                    // The process is gone: nothing was answered.
                    failed.incrementAndGet();
                    pause();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Returns once the load ran {@link #LOAD_BEFORE_KILL} and {@link #ANSWERED_BEFORE_KILL} reads were answered,
         * or at {@link #KILL_AT_THE_LATEST}. */
        void untilEnoughAnswered() throws InterruptedException {
            Thread.sleep(LOAD_BEFORE_KILL.toMillis());
            while (answeredAt.size() < ANSWERED_BEFORE_KILL
                    && System.nanoTime() - started < KILL_AT_THE_LATEST.toNanos()) {
                Thread.sleep(100);
            }
        }

        void stop() throws InterruptedException {
            reading.set(false);
            for (Thread thread : clients) {
                thread.join(TimeUnit.SECONDS.toMillis(40));
            }
        }

        Map<String, Long> answeredAt() {
            return answeredAt;
        }

        Map<Integer, AtomicInteger> statuses() {
            return statuses;
        }

        int failed() {
            return failed.get();
        }
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

    private long committedReads(String prefix) throws Exception {
        try (Connection connection = database.connect();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT count(*) FROM access_entry WHERE request_id LIKE ?")) {
            query.setString(1, prefix + "%");
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
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

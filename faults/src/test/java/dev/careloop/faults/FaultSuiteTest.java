package dev.careloop.faults;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar under load while things break around it (docs/FAULTS.md). One PostgreSQL and one partner EHR for
 * the whole suite. The jar is started twice: first with a small pool (the pool scenario, then the kill -9 under
 * load), then again after the kill with the default pool for the database restart and the partner outage.
 * After each scenario the checker proves that nothing acknowledged is missing anywhere and nothing was written
 * twice, and the figures go to target/fault-figures.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteTest {

    /**
     * A loaded 2-core CI machine may take 90 s to start the jar, a machine shared with other builds minutes; this
     * only bounds a broken start ({@code -Dfaults.start-timeout=PT10M}).
     */
    private static final Duration START = Duration.parse(System.getProperty("faults.start-timeout", "PT10M"));
    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final Duration LOAD = Duration.ofSeconds(15);
    private static final int CLIENTS = 8;
    private static final Path FIGURES = AppProcess.TARGET.resolve("fault-figures.md");
    /**
     * docs/OPERATIONS.md computes a dead node's segments as taken over within about 12 s, at most 15 s, on a quiet
     * machine (claim timeout 10 s + claim interval + a fetch); the bound leaves room for a loaded CI machine.
     */
    private static final Duration TAKEOVER = Duration.ofSeconds(30);
    /** The local issuer's key, the same on every process (docs/OPERATIONS.md): a token is good on every node. */
    private static final String ISSUER_KEY = newIssuerKey();
    /** How soon after Spring Boot's failure report a start that failed must have ended the JVM. */
    private static final Duration PORT_TAKEN_EXIT = Duration.ofSeconds(15);
    /** The partner EHR's delivery processor, as its segments are named in token_entry. */
    private static final String PARTNER_GROUP = "fhir-partner-faults-ehr[";

    /** Fewer connections than the processors, partner delivery, background tasks and requests want. */
    private static final Map<String, String> SMALL_POOL = Map.of(
            "CARELOOP_DB_POOL_SIZE", "8", "CARELOOP_DB_CONNECTION_TIMEOUT", "PT1S");

    private final Figures figures = new Figures();
    private Database database;
    private PartnerEhr partner;
    private AppProcess app;
    /** The second node of the several-nodes scenario, while it runs. */
    private AppProcess nodeA;
    private Api api;
    private Checker checker;
    /** The start on a taken port (the last scenario), run beside the first start. */
    private CompletableFuture<PortTaken> portTaken;

    @BeforeAll
    void startEverything() throws Exception {
        database = Database.fresh(AppProcess.TARGET.resolve("faults").resolve("postgres").toAbsolutePath());
        partner = PartnerEhr.start();
        portTaken = CompletableFuture.supplyAsync(this::startOnATakenPort);
        app = AppProcess.startReady("app-1", FreePorts.take(), database, settings(SMALL_POOL), System.nanoTime(),
                START);
        api = new Api(app.baseUrl());
        Api.Reply registered = api.post(Api.ADMIN, "/api/admin/partners", Map.of("id", "faults-ehr",
                "organisation", "riverside-derm", "baseUrl", partner.baseUrl(), "mode", "transaction",
                "resourceTypes", List.of("ServiceRequest", "Task")));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        checker = new Checker(database, api, partner);
    }

    @AfterAll
    void stopEverything() throws Exception {
        try {
            System.out.println("\nFault suite figures (" + FIGURES.toAbsolutePath() + "):\n" + figures.table());
            figures.write(FIGURES);
        } finally {
            try {
                if (nodeA != null) {
                    nodeA.kill();
                }
                if (app != null) {
                    app.stop();
                }
            } finally {
                try {
                    if (partner != null) {
                        partner.close();
                    }
                } finally {
                    if (database != null) {
                        database.close();
                    }
                }
            }
        }
    }

    /**
     * Settings on top of the defaults: dead letters retried sooner than in production, so that a scenario settles
     * within its minute (an operator may set the same; the defaults retry every 10 s and back off to 10 min).
     */
    private static Map<String, String> settings(Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "CARELOOP_LOCAL_ISSUER_KEY", ISSUER_KEY,
                "CARELOOP_DEAD_LETTER_RETRY_INTERVAL", "PT2S",
                "CARELOOP_FHIR_DELIVERY_DEAD_LETTER_POLL_INTERVAL", "PT1S",
                "CARELOOP_FHIR_DELIVERY_MAX_DEAD_LETTER_BACKOFF", "PT5S"));
        settings.putAll(more);
        return settings;
    }

    @Test
    @Order(1)
    void anExhaustedPoolIsAnswered503AndTheAppRecovers() throws Exception {
        int clients = 32;
        LoadDriver load = new LoadDriver(api, clients);
        long started = System.nanoTime();
        try (ReadinessMonitor readiness = new ReadinessMonitor(api)) {
            load.start();
            Thread.sleep(LOAD.toMillis());
            long loadEnded = System.nanoTime();
            load.stop(Duration.ofSeconds(60));
            Duration ready = app.awaitReady(loadEnded, START);
            Api.Reply after = writeAfterTheFault();
            Duration written = Duration.ofNanos(System.nanoTime() - loadEnded);
            Checker.Findings found = checker.check(load.acks, load.keys, SETTLE);
            record("pool of 8, 32 clients", load, started, found, readiness,
                    "load end to ready " + seconds(ready) + ", to a write " + seconds(written));
            assertNothingLost(found, load);
            assertThat(load.serverErrorsOtherThan503()).as("5xx other than 503: %s", load.badAnswers).isZero();
            assertThat(after.status()).as(after.body()).isEqualTo(201);
        }
    }

    @Test
    @Order(2)
    void killNineUnderLoadLosesNoAcknowledgedWriteAndTheRestartedAppCatchesUp() throws Exception {
        LoadDriver load = new LoadDriver(api, CLIENTS);
        long started = System.nanoTime();
        Duration recovery;
        try (ReadinessMonitor readiness = new ReadinessMonitor(api)) {
            load.start();
            Thread.sleep(5_000);
            long killed = System.nanoTime();
            app.kill();
            // Another port: while nothing listened, the clients' retries may have taken the old one (a TCP
            // self-connect). As behind a load balancer, the clients move to the new address once it is ready.
            app = AppProcess.startReady("app-2", FreePorts.take(), database,
                    settings(Map.of("CARELOOP_NODE_ID", "b")), killed, START);
            recovery = Duration.ofNanos(System.nanoTime() - killed);
            api.moveTo(app.baseUrl());
            Duration written = loadOnUntilWritesAreAcknowledged(started, load, killed);
            load.stop(Duration.ofSeconds(60));
            Checker.Findings found = checker.check(load.acks, load.keys, SETTLE);
            record("kill -9 under load, restart", load, started, found, readiness,
                    "kill to ready " + seconds(recovery) + ", to a write " + seconds(written));
            assertNothingLost(found, load);
            assertThat(load.serverErrorsOtherThan503()).as("5xx other than 503: %s", load.badAnswers).isZero();
        }
    }

    @Test
    @Order(3)
    void aDatabaseRestartUnderLoadIsAnswered503AndLosesNothing() throws Exception {
        LoadDriver load = new LoadDriver(api, CLIENTS);
        long started = System.nanoTime();
        try (ReadinessMonitor readiness = new ReadinessMonitor(api)) {
            load.start();
            Thread.sleep(5_000);
            database.stop();
            Thread.sleep(5_000);
            database.start();
            long back = System.nanoTime();
            Duration ready = app.awaitReady(back, START);
            Duration written = loadOnUntilWritesAreAcknowledged(started, load, back);
            load.stop(Duration.ofSeconds(60));
            Checker.Findings found = checker.check(load.acks, load.keys, SETTLE);
            record("database stopped 5 s under load", load, started, found, readiness,
                    "db back to ready " + seconds(ready) + ", to a write " + seconds(written));
            assertNothingLost(found, load);
            assertThat(load.serverErrorsOtherThan503()).as("5xx other than 503: %s", load.badAnswers).isZero();
            assertThat(readiness.downSeconds()).as("readiness said DOWN during the outage").isPositive();
        }
    }

    @Test
    @Order(4)
    void aPartnerDownThenSlowGetsEveryChangeOnceItIsBack() throws Exception {
        LoadDriver load = new LoadDriver(api, CLIENTS);
        long started = System.nanoTime();
        try (ReadinessMonitor readiness = new ReadinessMonitor(api)) {
            load.start();
            Thread.sleep(3_000);
            partner.down();
            Thread.sleep(8_000);
            partner.slow(3_000);
            Thread.sleep(5_000);
            partner.heal();
            long healed = System.nanoTime();
            loadOnUntil(started);
            load.stop(Duration.ofSeconds(60));
            Set<String> referrals = new HashSet<>();
            load.acks.forEach(ack -> referrals.add(ack.referralId()));
            Duration caughtUp = checker.awaitPartnerHasEverything(referrals, SETTLE)
                    ? Duration.ofNanos(System.nanoTime() - healed) : null;
            Checker.Findings found = checker.check(load.acks, load.keys, SETTLE);
            record("partner EHR down 8 s, then 3 s slow", load, started, found, readiness,
                    "partner back to all delivered " + (caughtUp == null ? "never" : seconds(caughtUp)));
            assertNothingLost(found, load);
            assertThat(caughtUp).as("the partner got every change once it was back").isNotNull();
            assertThat(load.serverErrorsOtherThan503() + load.answered("503"))
                    .as("a partner outage does not touch the API: %s", load.badAnswers).isZero();
        }
    }

    /**
     * Two nodes on the one database: node b (the running app) and node a, started now. Once they share the
     * segments, the load is spread over both, and 5 s in node a is killed with SIGKILL; its clients go to node b,
     * as a load balancer sends them, with the same tokens and Idempotency-Keys. Node b must claim every segment
     * node a held within the takeover bound, and nothing node a acknowledged may be missing.
     */
    @Test
    @Order(5)
    void killNineOfOneOfTwoNodesLosesNoAcknowledgedWriteAndTheOtherTakesItsSegmentsOver() throws Exception {
        nodeA = AppProcess.startReady("node-a", FreePorts.take(), database,
                settings(Map.of("CARELOOP_NODE_ID", "a")), System.nanoTime(), START);
        Api onA = new Api(nodeA.baseUrl());
        long sharing = System.nanoTime() + TAKEOVER.toNanos();
        while (checker.segmentsOwnedBy("a").stream().filter(s -> s.startsWith("referrals[")
                || s.startsWith("records[") || s.startsWith(PARTNER_GROUP)).count() < 3
                && System.nanoTime() < sharing) {
            Thread.sleep(250);
        }
        Set<String> heldByA = checker.segmentsOwnedBy("a");
        assertThat(heldByA).as("node a took its share of the segments from node b, the partner's included")
                .anyMatch(s -> s.startsWith("referrals[")).anyMatch(s -> s.startsWith("records["))
                .anyMatch(s -> s.startsWith(PARTNER_GROUP));

        LoadDriver load = new LoadDriver(List.of(onA, api), CLIENTS);
        long started = System.nanoTime();
        Duration takeover;
        try (ReadinessMonitor readiness = new ReadinessMonitor(api)) {
            load.start();
            Thread.sleep(5_000);
            heldByA = checker.segmentsOwnedBy("a");
            long killed = System.nanoTime();
            nodeA.kill();
            nodeA = null;
            onA.failOverTo(api.baseUrl());
            long deadline = killed + TAKEOVER.toNanos() + Duration.ofSeconds(30).toNanos();
            while (!checker.segmentsOwnedBy("b").containsAll(heldByA) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            takeover = Duration.ofNanos(System.nanoTime() - killed);
            loadOnUntil(started);
            load.stop(Duration.ofSeconds(60));
            Checker.Findings found = checker.check(load.acks, load.keys, SETTLE);
            record("kill -9 of node a of two", load, started, found, readiness,
                    "kill to node b holding a's " + heldByA.size() + " segments " + seconds(takeover));
            assertNothingLost(found, load);
            assertThat(load.serverErrorsOtherThan503()).as("5xx other than 503: %s", load.badAnswers).isZero();
        }
        assertThat(checker.segmentsOwnedBy("b")).as("node b holds every segment node a held").containsAll(heldByA);
        assertThat(takeover).as("node b took node a's segments over within the bound").isLessThan(TAKEOVER);
    }

    /**
     * A start that cannot bind its port (a ServerSocket holds it) must end the JVM soon after Spring Boot's report,
     * with a non-zero exit code and one line saying why: a supervisor (systemd, Kubernetes) then restarts it rather
     * than waiting on a process that never gets ready.
     */
    @Test
    @Order(6)
    void aStartWhosePortIsTakenExitsNonZeroWithOneLineSayingWhy() throws Exception {
        PortTaken outcome = portTaken.get(START.toSeconds() + 60, TimeUnit.SECONDS);
        System.out.println("\n[port taken] exit " + outcome.exit() + " " + seconds(outcome.afterReport())
                + " after the failure report");
        assertThat(outcome.exit()).as("the JVM ended within %s of the report; log:%n%s", PORT_TAKEN_EXIT,
                outcome.tail()).isNotNull().isNotZero();
        assertThat(outcome.lines()).as("one line says why").anyMatch(line -> line.startsWith(
                "CareLoop did not start: ") && line.contains(Integer.toString(outcome.port())));
    }

    /** How the start on a taken port ended: its exit code (null: still running), how long after the report. */
    private record PortTaken(int port, Integer exit, Duration afterReport, List<String> lines, String tail) {
    }

    /**
     * Starts the jar on a port a socket of the suite holds and watches it fail. It runs beside the first process's
     * start (both mostly wait on one core each), which saves a whole start of the suite's time.
     */
    private PortTaken startOnATakenPort() {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(FreePorts.take())) {
            AppProcess failing = AppProcess.start("port-taken", taken.getLocalPort(), database, settings(Map.of()));
            try {
                long deadline = System.nanoTime() + START.toNanos();
                while (failing.isAlive() && !failing.failedToStart() && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                long reported = System.nanoTime();
                Integer exit = failing.awaitExit(PORT_TAKEN_EXIT);
                return new PortTaken(taken.getLocalPort(), exit, Duration.ofNanos(System.nanoTime() - reported),
                        failing.logLines(), failing.tail());
            } finally {
                failing.kill();
            }
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    /**
     * Keeps the load on until LOAD has passed since it started (at least 5 s more in any case), and until a write
     * is acknowledged after {@code since} (at most START). Returns the time from {@code since} to that write.
     */
    private static Duration loadOnUntilWritesAreAcknowledged(long started, LoadDriver load, long since)
            throws InterruptedException {
        loadOnUntil(started);
        long deadline = System.nanoTime() + START.toNanos();
        while (load.firstAckAfter(since) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        long first = load.firstAckAfter(since);
        assertThat(first).as("writes are acknowledged again after the fault").isPositive();
        return Duration.ofNanos(Math.max(0, first - since));
    }

    /** One referral, sent as a client does after a storm: retried with its key while the answer is 503. */
    private Api.Reply writeAfterTheFault() throws Exception {
        String body = Api.JSON.writeValueAsString(Map.of("recipientOrganisation", "riverside-derm",
                "priority", "routine", "service", "Dermatology consultation", "reason", "After the storm",
                "patient", Map.of("identifierSystem", "https://northside-gp.example/mrn",
                        "identifierValue", "AFTER-" + System.nanoTime(), "name", "Alex Example",
                        "birthDate", "1980-04-02")));
        Map<String, String> key = Map.of("Idempotency-Key", "after-" + System.nanoTime());
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Api.Reply reply = api.send(Api.GP, "POST", "/api/referrals", body, key);
        while ((reply.status() == 503 || reply.status() == 401) && System.nanoTime() < deadline) {
            Thread.sleep(reply.status() == 503 ? 5_000 : 0);
            reply = api.send(Api.GP, "POST", "/api/referrals", body, key);
        }
        return reply;
    }

    /** Keeps the load on until LOAD has passed since it started, and for at least 5 s more in any case. */
    private static void loadOnUntil(long started) throws InterruptedException {
        long left = LOAD.toMillis() - (System.nanoTime() - started) / 1_000_000;
        Thread.sleep(Math.max(5_000, left));
    }

    private void assertNothingLost(Checker.Findings found, LoadDriver load) {
        assertThat(found.acknowledged()).as("the load got writes acknowledged").isPositive();
        assertThat(found.lost()).as("acknowledged writes missing: %s", found.problems()).isZero();
        assertThat(found.duplicates()).as("requests that wrote twice: %s", found.problems()).isZero();
        assertThat(load.answered("500")).as("500s: %s", load.badAnswers).isZero();
        assertThat(load.badOutageAnswers.sum()).as("503s without problem+json or Retry-After: %s", load.badAnswers)
                .isZero();
        assertThat(found.processorsBehind()).as("processors behind the head").isEmpty();
        assertThat(found.deadLetters()).as("dead letters").isEmpty();
    }

    private void record(String scenario, LoadDriver load, long started, Checker.Findings found,
                        ReadinessMonitor readiness, String recovery) throws Exception {
        Figures.Row row = new Figures.Row(scenario, load.clientCount(),
                Math.round((System.nanoTime() - started) / 1e9), load.requests.sum(), found.acknowledged(),
                found.lost(), found.duplicates(), load.serverErrorsOtherThan503(), load.answered("503"),
                load.noAnswer.sum(), readiness.downSeconds(), readiness.unansweredSeconds(), recovery,
                found.partnerRepeats());
        figures.add(row);
        figures.write(FIGURES);
        System.out.println("\n[" + scenario + "] answers " + load.answerCounts() + ", gave up " + load.gaveUp.sum()
                + ", committed but not acknowledged " + found.committedUnacknowledged() + ", referrals "
                + found.referrals() + "\n  lost: log " + found.lostInLog() + ", view " + found.lostInView()
                + ", timeline " + found.lostInTimeline() + ", audit " + found.lostInAudit() + ", partner "
                + found.lostAtPartner() + "\n  problems " + found.problems() + "\n  unexpected answers "
                + load.badAnswers + "\n" + figures.table());
    }

    private static String newIssuerKey() {
        try {
            java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            return java.util.Base64.getEncoder().encodeToString(rsa.generateKeyPair().getPrivate().getEncoded());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}

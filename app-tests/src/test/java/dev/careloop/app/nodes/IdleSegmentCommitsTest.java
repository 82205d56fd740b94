package dev.careloop.app.nodes;

import dev.careloop.app.CareLoopApplication;
import dev.careloop.app.CareLoopClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Segments with nothing to do stop committing (issue 19): a burst of referrals leaves the groups that handle none of
 * their events (records, appointments) with a handful of token writes, not one per event, and their tokens still reach
 * the head within the flush interval; after a restart the processors go on from the tokens kept, projecting every
 * event once. Also prints what one command costs (commits, statements, latency) on its own PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IdleSegmentCommitsTest {

    private static final int SENDS = 40;
    /**
     * Longer than the default (0.5 s), so that a burst of one client's sends outlasts several flushes and "once per
     * flush, not once per event" shows; -Dcareloop.test.idle-token-flush=PT0.5S measures the default.
     */
    private static final Duration FLUSH = Duration.parse(System.getProperty("careloop.test.idle-token-flush", "PT2S"));

    private EmbeddedPostgres postgres;
    private ConfigurableApplicationContext node;
    /** The test's own connection: its statements do not borrow from the application's pool. */
    private JdbcTemplate db;

    @BeforeAll
    void start() throws IOException {
        postgres = EmbeddedPostgres.builder().setRegisterShutdownHook(false)
                .setServerConfig("shared_preload_libraries", "pg_stat_statements").start();
        db = new JdbcTemplate(new SingleConnectionDataSource(postgres.getJdbcUrl("postgres", "postgres"), true));
        db.execute("CREATE EXTENSION pg_stat_statements");
        node = startNode();
    }

    @AfterAll
    void stop() throws IOException {
        if (node != null && node.isActive()) {
            node.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private ConfigurableApplicationContext startNode() {
        return new SpringApplicationBuilder(CareLoopApplication.class)
                .profiles("local", "test")
                .run("--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                        "--spring.datasource.username=postgres",
                        "--server.port=0",
                        "--careloop.nodes.node-id=idle-node",
                        "--careloop.nodes.idle-token-flush=" + FLUSH);
    }

    private int port() {
        return node.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    /** A row per write of a token (not a claim extension) since the test started counting. */
    private void countTokenWrites() {
        db.execute("CREATE TABLE IF NOT EXISTS test_token_write (processor_name text, segment int, "
                + "at timestamptz DEFAULT clock_timestamp())");
        db.execute("CREATE OR REPLACE FUNCTION test_count_token_write() RETURNS trigger LANGUAGE plpgsql AS $$ "
                + "BEGIN INSERT INTO test_token_write (processor_name, segment) VALUES (NEW.processor_name, NEW.segment); "
                + "RETURN NULL; END $$");
        db.execute("DROP TRIGGER IF EXISTS test_token_write ON token_entry");
        db.execute("CREATE TRIGGER test_token_write AFTER UPDATE OF token ON token_entry FOR EACH ROW "
                + "WHEN (OLD.token IS DISTINCT FROM NEW.token) EXECUTE FUNCTION test_count_token_write()");
        db.update("DELETE FROM test_token_write");
    }

    private long tokenWrites(String processor) {
        Long n = db.queryForObject("SELECT count(*) FROM test_token_write WHERE processor_name = ?", Long.class,
                processor);
        return n == null ? 0 : n;
    }

    private long commits() {
        Long n = db.queryForObject("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
                Long.class);
        return n == null ? 0 : n;
    }

    /** Transactions that wrote: each is given a transaction id (reads in xact_commit are not); this look takes none. */
    private long explicitCommits() {
        Long n = db.queryForObject("SELECT txid_snapshot_xmax(txid_current_snapshot())", Long.class);
        return n == null ? 0 : n;
    }

    /** WAL written, in bytes (the embedded PostgreSQL runs without fsync, so WAL syncs say nothing). */
    private long walSyncs() {
        Long n = db.queryForObject("SELECT wal_bytes::bigint FROM pg_stat_wal", Long.class);
        return n == null ? 0 : n;
    }

    private long statements() {
        Long n = db.queryForObject("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements", Long.class);
        return n == null ? 0 : n;
    }

    @Test
    @Order(1)
    void segmentsWithNothingToDoWriteTheirTokensAFewTimesNotOncePerEvent() throws Exception {
        CareLoopClient gp = CareLoopClient.as(port(), "northside-gp-staff");
        for (int i = 0; i < 5; i++) {
            assertThat(gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-WARM-" + i))
                    .status()).isEqualTo(201);
        }
        Thread.sleep(1500);
        countTokenWrites();

        // What the platform does with nobody sending: heartbeats, schedulers, claims.
        db.execute("SELECT pg_stat_clear_snapshot()");
        long idleCommits = commits();
        long idleStatements = statements();
        long idleExplicit = explicitCommits();
        long idleSyncs = walSyncs();
        Instant idleFrom = Instant.now();
        Thread.sleep(3000);
        double idleSeconds = Duration.between(idleFrom, Instant.now()).toMillis() / 1000.0;
        db.execute("SELECT pg_stat_clear_snapshot()");
        double idleCommitRate = (commits() - idleCommits) / idleSeconds;
        double idleStatementRate = (statements() - idleStatements) / idleSeconds;
        double idleExplicitRate = (explicitCommits() - idleExplicit) / idleSeconds;
        double idleSyncRate = (walSyncs() - idleSyncs) / idleSeconds;

        List<Long> latencies = new ArrayList<>();
        long beforeCommits = commits();
        long beforeStatements = statements();
        long beforeExplicit = explicitCommits();
        long beforeSyncs = walSyncs();
        Instant from = Instant.now();
        for (int i = 0; i < SENDS; i++) {
            long started = System.nanoTime();
            var sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-IDLE-" + i));
            latencies.add((System.nanoTime() - started) / 1000);
            assertThat(sent.status()).isEqualTo(201);
            assertThat(sent.json().get("status").asString()).as("the answer is the read model's view")
                    .isEqualTo("created");
        }
        double seconds = Duration.between(from, Instant.now()).toMillis() / 1000.0;
        db.execute("SELECT pg_stat_clear_snapshot()");
        long sendCommits = commits() - beforeCommits;
        long sendStatements = statements() - beforeStatements;
        long sendExplicit = explicitCommits() - beforeExplicit;
        long sendSyncs = walSyncs() - beforeSyncs;
        latencies.sort(Long::compare);
        System.out.printf("COST per send over %d sends in %.2f s: %.2f commits (%.2f less idle), %.1f statements "
                        + "(%.1f less idle); latency median %.1f ms, p90 %.1f ms; idle %.1f commits/s, %.1f statements/s; "
                        + "token writes: referrals %d, audit %d, records %d, appointments %d, saga %d%n",
                SENDS, seconds, (double) sendCommits / SENDS, (sendCommits - idleCommitRate * seconds) / SENDS,
                (double) sendStatements / SENDS, (sendStatements - idleStatementRate * seconds) / SENDS,
                latencies.get(SENDS / 2) / 1000.0, latencies.get(SENDS * 9 / 10) / 1000.0, idleCommitRate,
                idleStatementRate, tokenWrites("referrals"), tokenWrites("audit"), tokenWrites("records"),
                tokenWrites("appointments"), tokenWrites("ReferralVisitSagaProcessor"));
        System.out.printf("COST per send: %.2f writing transactions (%.2f less idle), %.0f WAL bytes (%.0f less idle); "
                        + "idle %.1f writing transactions/s, %.0f WAL bytes/s%n",
                (double) sendExplicit / SENDS, (sendExplicit - idleExplicitRate * seconds) / SENDS,
                (double) sendSyncs / SENDS, (sendSyncs - idleSyncRate * seconds) / SENDS, idleExplicitRate,
                idleSyncRate);

        // Records and appointments handle no referral event: their tokens move once per flush, not per event.
        long flushes = (long) Math.ceil(seconds * 1000 / FLUSH.toMillis()) + 2;
        assertThat(tokenWrites("records")).as("token writes of the two idle records segments")
                .isLessThanOrEqualTo(2 * flushes);
        assertThat(tokenWrites("appointments")).as("token writes of the idle appointments segment")
                .isLessThanOrEqualTo(flushes);
        if (FLUSH.toMillis() >= 2000) {
            assertThat(tokenWrites("records")).isLessThan(SENDS / 2);
            assertThat(tokenWrites("appointments")).isLessThan(SENDS / 4);
        }

        // ... and still reach the head soon after, as the kept tokens are flushed.
        long head = db.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
        Instant deadline = Instant.now().plus(FLUSH).plusSeconds(3);
        while (storedPosition("records") < head || storedPosition("appointments") < head) {
            assertThat(Instant.now()).as("the idle segments' stored tokens reach the head").isBefore(deadline);
            Thread.sleep(100);
        }
    }

    /** The lowest position the processor's stored tokens name. */
    private long storedPosition(String processor) {
        List<Map<String, Object>> rows = db.queryForList("SELECT convert_from(token, 'UTF8') AS token FROM token_entry "
                + "WHERE processor_name = ?", processor);
        long lowest = Long.MAX_VALUE;
        for (Map<String, Object> row : rows) {
            String json = (String) row.get("token");
            if (json == null) {
                return -1;
            }
            var index = java.util.regex.Pattern.compile("\"index\"\\s*:\\s*(\\d+)").matcher(json);
            lowest = Math.min(lowest, index.find() ? Long.parseLong(index.group(1)) : -1);
        }
        return rows.isEmpty() ? -1 : lowest;
    }

    @Test
    @Order(2)
    void afterARestartTheProcessorsGoOnFromTheKeptTokensAndProjectEveryEventOnce() {
        CareLoopClient gp = CareLoopClient.as(port(), "northside-gp-staff");
        String before = idOf(gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-RESTART-A")));
        node.close();

        node = startNode();
        gp = CareLoopClient.as(port(), "northside-gp-staff");
        var after = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-RESTART-B"));
        assertThat(after.status()).isEqualTo(201);
        assertThat(after.json().get("status").asString()).isEqualTo("created");
        assertThat(gp.get("/api/referrals/" + before).status()).isEqualTo(200);

        Integer events = db.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier "
                + "IN (SELECT referral_id FROM referral_view)", Integer.class);
        Integer timeline = db.queryForObject("SELECT count(*) FROM referral_timeline", Integer.class);
        assertThat(timeline).as("each referral event on the timeline once, across the restart").isEqualTo(events);
        Integer audited = db.queryForObject("SELECT count(*) FROM (SELECT global_index FROM audit_entry "
                + "GROUP BY global_index HAVING count(*) > 1) twice", Integer.class);
        assertThat(audited).as("audit entries written twice").isZero();
    }

    private static String idOf(CareLoopClient.Response created) {
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.header("Location").substring(created.header("Location").lastIndexOf('/') + 1);
    }
}

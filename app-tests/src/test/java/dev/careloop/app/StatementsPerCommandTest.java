package dev.careloop.app;

import dev.careloop.app.CareLoopClient.Response;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static dev.careloop.app.DemoClinics.DERM;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one command costs PostgreSQL (issue 19), counted by pg_stat_statements on a PostgreSQL of the test's own, for a
 * send, an accept and a schedule, from the request to the last projection and process manager done with it: the
 * statements (BEGIN included; pg_stat_statements does not count COMMIT), the same without the read model's
 * read-your-writes reads (their number grows with the time the projection takes), and the transactions (BEGINs).
 * A quiet window of the same length (heartbeats, pollers) is counted too and taken off. A measurement, not a check:
 * it prints the figures docs/BENCHMARKS.md records, and runs only when asked,
 * {@code ./mvnw -B -o -pl app -am test -Dtest=StatementsPerCommandTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dcareloop.measure=true}, on a quiet machine.
 */
@SpringBootTest(classes = CareLoopApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"local", "test"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@EnabledIfSystemProperty(named = "careloop.measure", matches = "true")
class StatementsPerCommandTest {

    /** Long enough for every processor and the process manager to be done with a command on a busy machine. */
    private static final long SETTLE_MILLIS = 1500;
    private static final int RUNS = 7;

    /** The read model's reads while a write waits for its view (read-your-writes). */
    private static final String WAITING_READS = "query LIKE 'SELECT * FROM %_view WHERE % = ANY(participants)%'";

    private static EmbeddedPostgres POSTGRES;

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    private static EmbeddedPostgres start() {
        try {
            return EmbeddedPostgres.builder()
                    .setDataDirectory(Files.createTempDirectory("careloop-statements"))
                    .setCleanDataDirectory(true)
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    .setServerConfig("pg_stat_statements.track_utility", "on")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry properties) {
        POSTGRES = start();
        properties.add("spring.datasource.url", () -> POSTGRES.getJdbcUrl("postgres", "postgres"));
        properties.add("spring.datasource.username", () -> "postgres");
    }

    @AfterAll
    static void stop() throws IOException {
        // The context is closed first (DirtiesContext); the server it used goes after it.
        if (POSTGRES != null) {
            POSTGRES.close();
        }
    }

    @Test
    void statementsPerSendAcceptAndSchedule() throws InterruptedException {
        CareLoopClient gp = DemoClinics.at(port).gp();
        CareLoopClient derm = DemoClinics.at(port).derm();
        jdbc.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        for (int i = 0; i < 3; i++) {
            String id = send(gp);
            accept(derm, id);
            schedule(derm, id);
        }
        Thread.sleep(SETTLE_MILLIS);

        List<Cost> quiet = new ArrayList<>();
        List<Cost> sends = new ArrayList<>();
        List<Cost> accepts = new ArrayList<>();
        List<Cost> schedules = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            quiet.add(measure(() -> null));
            String[] id = new String[1];
            sends.add(measure(() -> id[0] = send(gp)));
            accepts.add(measure(() -> accept(derm, id[0])));
            schedules.add(measure(() -> schedule(derm, id[0])));
        }
        Cost idle = median(quiet);
        Cost send = median(sends).less(idle);
        Cost accept = median(accepts).less(idle);
        Cost schedule = median(schedules).less(idle);
        System.out.printf("%nStatements per command (median of %d, less a quiet %d ms window: %s)%n", RUNS,
                SETTLE_MILLIS, idle);
        System.out.printf("| per command | send | accept | schedule |%n| --- | ---: | ---: | ---: |%n");
        System.out.printf("| statements (BEGIN included) | %d | %d | %d |%n",
                send.statements(), accept.statements(), schedule.statements());
        System.out.printf("| of which read-your-writes reads | %d | %d | %d |%n",
                send.waiting(), accept.waiting(), schedule.waiting());
        System.out.printf("| transactions (BEGIN) | %d | %d | %d |%n", send.transactions(), accept.transactions(),
                schedule.transactions());
        System.out.printf("| answered in (ms) | %d | %d | %d |%n%n", send.millis(), accept.millis(), schedule.millis());
        System.out.println("The schedule's statements: " + lastBreakdown);

        assertThat(schedule.transactions()).as("the schedule's transactions were counted").isPositive();
    }

    private String lastBreakdown = "";

    /** Statements and commits from the request until every processor is done with it, and how long it took. */
    private Cost measure(Supplier<Object> command) throws InterruptedException {
        jdbc.queryForObject("SELECT pg_stat_statements_reset()", Object.class);
        long started = System.nanoTime();
        command.get();
        long millis = (System.nanoTime() - started) / 1_000_000;
        Thread.sleep(SETTLE_MILLIS);
        Long statements = jdbc.queryForObject("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements "
                + "WHERE query NOT LIKE '%pg_stat%'", Long.class);
        Long waiting = jdbc.queryForObject("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE "
                + WAITING_READS, Long.class);
        Long transactions = jdbc.queryForObject("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements "
                + "WHERE upper(query) = 'BEGIN'", Long.class);
        lastBreakdown = String.join("\n  ", jdbc.queryForList("SELECT calls || ' x ' || left(regexp_replace(query, "
                + "'\\s+', ' ', 'g'), 140) FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat%' "
                + "ORDER BY calls DESC, query", String.class));
        return new Cost(statements, waiting, transactions, millis);
    }

    private static String send(CareLoopClient gp) {
        Response sent = gp.post("/api/referrals", CareLoopClient.referralTo(DERM,
                "STMT-" + UUID.randomUUID().toString().substring(0, 12)));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        return sent.json().get("referralId").asString();
    }

    private static Object accept(CareLoopClient derm, String id) {
        Response accepted = derm.post("/api/referrals/" + id + "/accept", null, h -> h.set(HttpHeaders.IF_MATCH, "1"));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        return accepted;
    }

    private static Object schedule(CareLoopClient derm, String id) {
        Instant start = Instant.now().plus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MINUTES);
        Response scheduled = derm.post("/api/referrals/" + id + "/schedule", Map.of("start", start.toString(),
                "end", start.plus(30, ChronoUnit.MINUTES).toString(), "location", "Room 4"),
                h -> h.set(HttpHeaders.IF_MATCH, "2"));
        assertThat(scheduled.status()).as(scheduled.body()).isEqualTo(200);
        return scheduled;
    }

    private record Cost(long statements, long waiting, long transactions, long millis) {
        Cost less(Cost idle) {
            return new Cost(statements - idle.statements, waiting - idle.waiting,
                    transactions - idle.transactions, millis);
        }

        @Override
        public String toString() {
            return statements + " statements, " + transactions + " transactions";
        }
    }

    private static Cost median(List<Cost> costs) {
        int middle = costs.size() / 2;
        return new Cost(middle(costs, Cost::statements, middle), middle(costs, Cost::waiting, middle),
                middle(costs, Cost::transactions, middle), middle(costs, Cost::millis, middle));
    }

    private static long middle(List<Cost> costs, java.util.function.ToLongFunction<Cost> figure, int middle) {
        List<Long> values = new ArrayList<>(costs.stream().map(figure::applyAsLong).toList());
        Collections.sort(values);
        return values.get(middle);
    }
}

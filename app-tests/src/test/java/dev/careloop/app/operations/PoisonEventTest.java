package dev.careloop.app.operations;

import dev.careloop.api.referral.ReferralSent;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.DemoClinics;
import dev.careloop.query.replay.RowTable;
import dev.careloop.query.replay.Rows;
import dev.careloop.query.replay.Stores;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One event whose handler fails on a real database error (issue 13): in every processing group that projects the
 * log, it is dead-lettered for its own sequence only, the group goes on to the head, readiness says DOWN while the
 * letter waits and UP once an administrator has retried or evicted it, and the admin API shows it. Its context
 * (PoisonedCareLoop, shared with SagaPoisonEventTest): a test-only handler in each group runs failing SQL for the
 * referrals a test poisons; the scheduled retry of dead letters is off, so that the administrator's calls are what
 * empties the queue.
 */
@PoisonedCareLoop
class PoisonEventTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventProcessingConfiguration processing;
    @Autowired
    List<PoisonHandler> handlers;

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"referrals, retry", "records, evict", "appointments, retry", "audit, retry", "fhir-index, evict",
            "analytics, retry"})
    void aDatabaseErrorInOneHandlerDeadLettersItsEventAndTheGroupGoesOn(String group, String resolution)
            throws Exception {
        var gp = DemoClinics.at(port).gp();
        var admin = DemoClinics.at(port).admin();
        PoisonHandler handler = handlerOf(group);
        String mrn = "MRN-POISON-" + group.toUpperCase();
        handler.poison(mrn);

        String poisoned = idFrom(gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", mrn)));
        awaitTrue(() -> deadLetters(group, poisoned) == 1, "the failed event was not dead-lettered in " + group);
        // What the failing handler wrote before it failed is gone with it (its savepoint, or its batch's held writes).
        assertThat(count("organisation", "id", "poison-" + poisoned)).as("the failed handler's write").isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dead_letter_entry WHERE sequence_identifier <> ?",
                Integer.class, poisoned)).as("dead letters of other sequences").isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM organisation WHERE id = ?", Integer.class,
                "poison-" + poisoned)).as("the failed handler's own write, rolled back to its savepoint").isZero();

        // A later referral is handled by the same group, which reaches the head of the log.
        String later = idFrom(gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-LATER-"
                + group.toUpperCase())));
        awaitTrue(() -> handler.handled.contains(later), "the group stopped at the poisoned event");
        awaitTrue(() -> atHead(group), group + " did not reach the head of the log");
        assertProjected(group, later);
        assertThat(deadLetters(group, later)).isZero();

        assertThat(readiness()).as("readiness while a dead letter waits").isEqualTo(503);
        assertThat(httpStatus("/actuator/health/liveness", null)).as("liveness").isEqualTo(200);

        JsonNode listed = admin.get("/api/admin/dead-letters").json();
        JsonNode sequence = sequenceIn(listed, group, poisoned);
        assertThat(sequence).as("the dead letter in the admin API").isNotNull();
        JsonNode letter = sequence.get("letters").get(0);
        assertThat(letter.get("eventType").asText()).isEqualTo("ReferralSent");
        assertThat(letter.get("aggregateId").asText()).isEqualTo(poisoned);
        assertThat(letter.get("aggregateVersion").asLong()).isEqualTo(1);
        assertThat(letter.get("cause").asText()).contains("division by zero").doesNotContain("\n");
        assertThat(letter.get("enqueuedAt").asText()).isNotBlank();
        var asStaff = gp.get("/api/admin/dead-letters");
        assertThat(asStaff.status()).isEqualTo(403);
        assertThat(asStaff.header("Content-Type")).startsWith("application/problem+json");

        handler.cure(mrn);
        String path = "/api/admin/dead-letters/" + group + "/" + URLEncoder.encode(poisoned, StandardCharsets.UTF_8);
        if (resolution.equals("retry")) {
            var retried = admin.post(path + "/retry", null);
            assertThat(retried.status()).isEqualTo(200);
            assertThat(retried.json().get("outcome").asText()).isEqualTo("handled");
            assertProjected(group, poisoned);
        } else {
            assertThat(httpStatus(path, "DELETE", admin.token())).isEqualTo(204);
            assertThat(handler.handled).doesNotContain(poisoned);
        }
        assertThat(deadLetters(group, poisoned)).isZero();
        assertThat(httpStatus(path, "DELETE", admin.token())).as("a second eviction").isEqualTo(404);
        awaitTrue(() -> readiness() == 200, "readiness stayed DOWN after the dead letter was " + resolution
                + (resolution.equals("retry") ? "d" : "ed"));
    }

    @Test
    void theDeadLetterGaugeCountsEachGroupsLetters() {
        var gp = DemoClinics.at(port).gp();
        PoisonHandler handler = handlerOf("referrals");
        handler.poison("MRN-POISON-GAUGE");
        String poisoned = idFrom(gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm",
                "MRN-POISON-GAUGE")));
        awaitTrue(() -> deadLetters("referrals", poisoned) == 1, "the failed event was not dead-lettered");
        awaitTrue(() -> prometheus().contains("careloop_dead_letters{group=\"referrals\"} 1.0"),
                "the gauge did not count the dead letter: " + prometheus());
        assertThat(prometheus()).contains("careloop_dead_letters{group=\"audit\"} 0.0");

        handler.cure("MRN-POISON-GAUGE");
        jdbc.update("DELETE FROM dead_letter_entry WHERE sequence_identifier = ?", poisoned);
        awaitTrue(() -> prometheus().contains("careloop_dead_letters{group=\"referrals\"} 0.0"),
                "the gauge did not follow the queue");
    }

    @Test
    void readinessIsDownWhileAProcessorIsStalledAndUpOnceItCatchesUp() {
        var gp = DemoClinics.at(port).gp();
        StreamingEventProcessor appointments = processing.eventProcessor("appointments",
                StreamingEventProcessor.class).orElseThrow();
        awaitTrue(() -> readiness() == 200, "not ready to begin with");
        appointments.shutDown();
        try {
            idFrom(gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-WHILE-STALLED")));
            awaitTrue(() -> readiness() == 503, "readiness stayed UP while a processor stood still");
            assertThat(httpStatus("/actuator/health/liveness", null)).as("liveness").isEqualTo(200);
            assertThat(httpStatus("/actuator/health", null)).as("the aggregate health").isEqualTo(503);
        } finally {
            appointments.start();
        }
        awaitTrue(() -> readiness() == 200, "readiness stayed DOWN after the processor caught up");
    }

    private void assertProjected(String group, String referralId) {
        switch (group) {
            case "referrals" -> awaitTrue(() -> count("referral_view", "referral_id", referralId) == 1,
                    "referral_view lacks " + referralId);
            case "audit" -> awaitTrue(() -> count("audit_entry", "aggregate_id", referralId) >= 1,
                    "the audit trail lacks " + referralId);
            case "fhir-index" -> awaitTrue(() -> count("fhir_resource_index", "aggregate_id", referralId) >= 1,
                    "the FHIR index lacks " + referralId);
            default -> awaitTrue(() -> handlerOf(group).handled.contains(referralId),
                    group + " never handled " + referralId);
        }
    }

    private int count(String table, String column, String id) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE " + column + " = ?", Integer.class, id);
    }

    private int deadLetters(String group, String sequence) {
        return jdbc.queryForObject("SELECT count(*) FROM dead_letter_entry WHERE processing_group = ? "
                + "AND sequence_identifier = ?", Integer.class, group, sequence);
    }

    private boolean atHead(String group) {
        long head = jdbc.queryForObject("SELECT coalesce(max(global_index), 0) FROM domain_event_entry", Long.class);
        StreamingEventProcessor processor = processing.eventProcessor(group, StreamingEventProcessor.class)
                .orElseThrow();
        Map<Integer, EventTrackerStatus> status = processor.processingStatus();
        return !status.isEmpty() && status.values().stream()
                .allMatch(s -> !s.isErrorState() && s.getCurrentPosition().orElse(-1) >= head);
    }

    private static JsonNode sequenceIn(JsonNode groups, String group, String sequence) {
        for (JsonNode g : groups) {
            if (g.get("group").asText().equals(group)) {
                for (JsonNode s : g.get("sequences")) {
                    if (s.get("sequence").asText().equals(sequence)) {
                        return s;
                    }
                }
            }
        }
        return null;
    }

    private PoisonHandler handlerOf(String group) {
        return handlers.stream().filter(h -> h.group().equals(group)).findFirst().orElseThrow();
    }

    private int readiness() {
        return httpStatus("/actuator/health/readiness", null);
    }

    private String prometheus() {
        return DemoClinics.at(port).admin().get("/actuator/prometheus").body();
    }

    private int httpStatus(String path, String token) {
        return httpStatus(path, "GET", token);
    }

    private int httpStatus(String path, String method, String token) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .method(method, HttpRequest.BodyPublishers.noBody());
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String idFrom(CareLoopClient.Response created) {
        assertThat(created.status()).isEqualTo(201);
        return created.header("Location").substring("/api/referrals/".length());
    }

    private static void awaitTrue(BooleanSupplier condition, String failure) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as(failure).isBefore(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class PoisonHandlers {
        @Bean
        ReferralsPoison referralsPoison(JdbcTemplate jdbc) {
            return new ReferralsPoison(jdbc);
        }

        @Bean
        RecordsPoison recordsPoison(JdbcTemplate jdbc) {
            return new RecordsPoison(jdbc);
        }

        @Bean
        AppointmentsPoison appointmentsPoison(JdbcTemplate jdbc) {
            return new AppointmentsPoison(jdbc);
        }

        @Bean
        AuditPoison auditPoison(JdbcTemplate jdbc) {
            return new AuditPoison(jdbc);
        }

        @Bean
        FhirIndexPoison fhirIndexPoison(JdbcTemplate jdbc) {
            return new FhirIndexPoison(jdbc);
        }

        @Bean
        AnalyticsPoison analyticsPoison(JdbcTemplate jdbc, Stores stores) {
            return new AnalyticsPoison(jdbc, stores);
        }
    }

    /**
     * Joins its group ahead of the projections. For a poisoned patient it writes a row, then runs SQL that fails
     * in PostgreSQL (which aborts the transaction); otherwise it remembers the referral as handled.
     */
    abstract static class PoisonHandler {
        final Set<String> poisoned = ConcurrentHashMap.newKeySet();
        final Set<String> handled = ConcurrentHashMap.newKeySet();
        private final JdbcTemplate jdbc;

        PoisonHandler(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        String group() {
            return getClass().getAnnotation(ProcessingGroup.class).value();
        }

        void poison(String mrn) {
            poisoned.add(mrn);
        }

        void cure(String mrn) {
            poisoned.remove(mrn);
        }

        @EventHandler
        void on(ReferralSent e) {
            if (poisoned.contains(e.patient().identifierValue())) {
                write("poison-" + e.referralId());
                jdbc.queryForObject("SELECT 1 / 0", Integer.class);
            }
            handled.add(e.referralId());
        }

        void write(String organisation) {
            jdbc.update("INSERT INTO organisation (id, name) VALUES (?, 'poison')", organisation);
        }
    }

    /**
     * In a group whose batches hold their writes (BatchedWrites), writes the way its projections do, through the
     * stores: the failure then fails the whole batch, which is tried again writing through.
     */
    @ProcessingGroup("analytics")
    @Order(Ordered.HIGHEST_PRECEDENCE)
    static class AnalyticsPoison extends PoisonHandler {
        record Organisation(String id, String name) {
        }

        private static final RowTable<Organisation> ORGANISATION = RowTable.<Organisation>named("organisation")
                .column("id", Organisation::id).column("name", Organisation::name).key("id")
                .reader(rs -> new Organisation(rs.getString("id"), rs.getString("name")));
        private final Rows<Organisation> organisations;

        AnalyticsPoison(JdbcTemplate jdbc, Stores stores) {
            super(jdbc);
            this.organisations = stores.rows(ORGANISATION);
        }

        @Override
        void write(String organisation) {
            organisations.put(new Organisation(organisation, "poison"));
        }
    }

    @ProcessingGroup("referrals")
    @Order(Ordered.HIGHEST_PRECEDENCE)
    static class ReferralsPoison extends PoisonHandler {
        ReferralsPoison(JdbcTemplate jdbc) {
            super(jdbc);
        }
    }

    @ProcessingGroup("records")
    @Order(Ordered.HIGHEST_PRECEDENCE)
    static class RecordsPoison extends PoisonHandler {
        RecordsPoison(JdbcTemplate jdbc) {
            super(jdbc);
        }
    }

    @ProcessingGroup("appointments")
    @Order(Ordered.HIGHEST_PRECEDENCE)
    static class AppointmentsPoison extends PoisonHandler {
        AppointmentsPoison(JdbcTemplate jdbc) {
            super(jdbc);
        }
    }

    @ProcessingGroup("audit")
    @Order(Ordered.HIGHEST_PRECEDENCE)
    static class AuditPoison extends PoisonHandler {
        AuditPoison(JdbcTemplate jdbc) {
            super(jdbc);
        }
    }

    @ProcessingGroup("fhir-index")
    @Order(Ordered.HIGHEST_PRECEDENCE)
    static class FhirIndexPoison extends PoisonHandler {
        FhirIndexPoison(JdbcTemplate jdbc) {
            super(jdbc);
        }
    }
}

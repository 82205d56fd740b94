package dev.careloop.app.nodes;

import dev.careloop.api.PatientIds;
import dev.careloop.app.CareLoopApplication;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.ledger.Ledger;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.TrackingEventProcessor;
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

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CareLoop as two nodes (two application contexts, each with its own HTTP port and node id) on one PostgreSQL:
 * what one node acknowledged, the other shows; processors share segments without processing an event twice;
 * deadlines, periodic rounds, Idempotency-Keys and patients' keyed ids hold across the nodes; and a node leaving under load loses no
 * acknowledged write while the other takes its segments over.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeveralNodesTest {

    private static final String MRN_SYSTEM = "https://northside-gp.example/mrn";
    /** Urgent referrals fall overdue this soon, so a deadline fires while the test watches (routine ones do not). */
    private static final Duration URGENT_SLA = Duration.ofSeconds(3);
    /** How long a read waits for a position before answering 503 (one test waits it out). */
    private static final Duration READ_WAIT = Duration.ofSeconds(3);
    /** docs/OPERATIONS.md: a leaving node's segments are processed elsewhere within this. */
    private static final Duration TAKEOVER = Duration.ofSeconds(15);

    /** The local issuer's key, shared by both nodes as docs/OPERATIONS.md asks. */
    private final String issuerKey = newIssuerKey();
    private EmbeddedPostgres postgres;
    private ConfigurableApplicationContext nodeA;
    private ConfigurableApplicationContext nodeB;

    @BeforeAll
    void startTwoNodesOnOneDatabase() throws IOException {
        postgres = EmbeddedPostgres.builder().setRegisterShutdownHook(false)
                .setServerConfig("max_connections", "200").start();
        // Side by side, as a deployment's nodes start (PatientIdSecretTest: they agree on the secrets), and the
        // second start costs no extra wall time.
        CompletableFuture<ConfigurableApplicationContext> a = CompletableFuture.supplyAsync(() -> startNode("node-a"));
        try {
            nodeB = startNode("node-b");
        } finally {
            nodeA = a.join();
        }
    }

    @AfterAll
    void stopEverything() throws IOException {
        for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[]{nodeB, nodeA}) {
            if (node != null && node.isActive()) {
                node.close();
            }
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private ConfigurableApplicationContext startNode(String name) {
        return new SpringApplicationBuilder(CareLoopApplication.class)
                .profiles("local", "test")
                .run("--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                        "--spring.datasource.username=postgres",
                        "--server.port=0",
                        "--careloop.nodes.node-id=" + name,
                        "--careloop.sla.urgent=" + URGENT_SLA,
                        "--careloop.read-your-writes-timeout=" + READ_WAIT,
                        "--careloop.ledger.checkpoint-interval=PT1S",
                        "--careloop.local-issuer-key=" + issuerKey);
    }

    private static int port(ConfigurableApplicationContext node) {
        return node.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    private JdbcTemplate jdbc() {
        return nodeB.getBean(JdbcTemplate.class);
    }

    private static String idOf(CareLoopClient.Response created) {
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.header("Location").substring(created.header("Location").lastIndexOf('/') + 1);
    }

    @Test
    @Order(0)
    void aTokenIssuedByOneNodeIsGoodOnTheOtherWhenTheyShareTheIssuerKey() throws Exception {
        String token = CareLoopClient.as(port(nodeA), "northside-gp-staff").token();
        java.net.http.HttpResponse<String> onB = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port(nodeB)
                        + "/api/referrals?box=outbox")).header("Authorization", "Bearer " + token).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(onB.statusCode()).as(onB.body()).isEqualTo(200);
    }

    @Test
    @Order(1)
    void bothNodesGiveAPatientTheSameKeyedIdAndFindTheReferralByIt() {
        String mrn = "KEYED-" + UUID.randomUUID().toString().substring(0, 8);
        String keyed = nodeA.getBean(PatientIds.class).idFor(MRN_SYSTEM, mrn);
        assertThat(nodeB.getBean(PatientIds.class).idFor(MRN_SYSTEM, mrn)).isEqualTo(keyed);

        // Sent through one node, read through the other: the patient is named by the keyed id.
        var sent = CareLoopClient.as(port(nodeA), "northside-gp-staff")
                .post("/api/referrals", CareLoopClient.referralTo("riverside-derm", mrn));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        assertThat(sent.json().get("patient").get("patientId").asText()).isEqualTo(keyed);
        String id = idOf(sent);
        var dermOnB = CareLoopClient.as(port(nodeB), "riverside-derm-staff");
        awaitTrue(Duration.ofSeconds(10), () -> dermOnB.get("/api/referrals?box=inbox&patient=" + keyed).body()
                .contains(id), "the referral in riverside-derm's inbox on the other node, found by the keyed id");
    }

    @Test
    @Order(2)
    void aWriteAcknowledgedOnOneNodeIsWhatTheOtherNodeShowsWhenAskedForItsPosition() {
        var gpOnA = CareLoopClient.as(port(nodeA), "northside-gp-staff");
        var dermOnA = CareLoopClient.as(port(nodeA), "riverside-derm-staff");
        var dermOnB = CareLoopClient.as(port(nodeB), "riverside-derm-staff");
        for (int i = 0; i < 5; i++) {
            String id = idOf(gpOnA.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-RYW-" + i)));
            var accepted = dermOnA.post("/api/referrals/" + id + "/accept", null);
            assertThat(accepted.status()).isEqualTo(200);
            String position = accepted.header("CareLoop-Position");
            assertThat(position).as("a write answers its log position").matches("\\d+");

            var read = dermOnB.get("/api/referrals/" + id, h -> h.set("CareLoop-Position", position));

            assertThat(read.status()).isEqualTo(200);
            assertThat(read.header("ETag")).isEqualTo(accepted.header("ETag"));
            assertThat(read.json().get("status").asText()).isEqualTo("accepted");
            assertThat(dermOnB.get("/api/referrals/" + id + "/timeline", h -> h.set("CareLoop-Position", position))
                    .json()).hasSize(2);
        }
    }

    @Test
    @Order(3)
    void aPositionTheReadModelsDoNotReachInTimeIsA503AndAMalformedOneA400() {
        var dermOnB = CareLoopClient.as(port(nodeB), "riverside-derm-staff");
        Instant asked = Instant.now();
        var tooFar = dermOnB.get("/api/referrals?box=inbox", h -> h.set("CareLoop-Position", "999999999"));
        assertThat(tooFar.status()).isEqualTo(503);
        assertThat(tooFar.header("Retry-After")).isEqualTo("1");
        assertThat(tooFar.header("Content-Type")).startsWith("application/problem+json");
        assertThat(Duration.between(asked, Instant.now())).as("bounded by the read-your-writes timeout")
                .isBetween(READ_WAIT.minusMillis(100), READ_WAIT.plusSeconds(10));

        var malformed = dermOnB.get("/api/referrals?box=inbox", h -> h.set("CareLoop-Position", "latest"));
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("errors").get(0).get("field").asText()).isEqualTo("CareLoop-Position");
    }

    @Test
    @Order(4)
    void aFhirWriteOnOneNodeAnswersItsPositionAndAFhirReadOnTheOtherHonoursIt() throws Exception {
        var gpOnA = CareLoopClient.as(port(nodeA), "northside-gp-staff");
        String id = idOf(gpOnA.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-FHIR-RYW")));
        String ehr = CareLoopClient.as(port(nodeA), "riverside-ehr").token();
        var parser = dev.careloop.fhir.mapping.R4ChangeProjector.fhirContext().newJsonParser();
        var task = parser.parseResource(org.hl7.fhir.r4.model.Task.class,
                fhir(nodeA, "GET", "/fhir/Task/" + id, ehr, null, java.util.Map.of()).body());
        task.setStatus(org.hl7.fhir.r4.model.Task.TaskStatus.ACCEPTED);

        var accepted = fhir(nodeA, "PUT", "/fhir/Task/" + id, ehr, parser.encodeResourceToString(task),
                java.util.Map.of("If-Match", "W/\"1\""));

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        String position = accepted.headers().firstValue("CareLoop-Position").orElse(null);
        assertThat(position).as("a FHIR write answers its log position").matches("\\d+");
        var read = fhir(nodeB, "GET", "/fhir/Task/" + id, ehr, null, java.util.Map.of("CareLoop-Position", position));
        assertThat(read.statusCode()).isEqualTo(200);
        var seen = parser.parseResource(org.hl7.fhir.r4.model.Task.class, read.body());
        assertThat(seen.getStatus()).isEqualTo(org.hl7.fhir.r4.model.Task.TaskStatus.ACCEPTED);
        assertThat(seen.getMeta().getVersionId()).isEqualTo("2");

        var tooFar = fhir(nodeB, "GET", "/fhir/Task/" + id, ehr, null,
                java.util.Map.of("CareLoop-Position", "999999999"));
        assertThat(tooFar.statusCode()).isEqualTo(503);
        assertThat(tooFar.headers().firstValue("Retry-After")).contains("1");
        assertThat(tooFar.body()).contains("\"resourceType\":\"OperationOutcome\"");
    }

    private static java.net.http.HttpResponse<String> fhir(ConfigurableApplicationContext node, String method,
                                                           String path, String token, String body,
                                                           java.util.Map<String, String> headers) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port(node) + path))
                .header("Authorization", "Bearer " + token).header("Accept", "application/fhir+json")
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/fhir+json");
        }
        headers.forEach(request::header);
        return java.net.http.HttpClient.newHttpClient().send(request.build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(5)
    void theNodesShareTheSegmentsAndEveryEventIsProjectedOnce() {
        awaitTrue(TAKEOVER, () -> segmentsHeldBy(nodeA, "referrals").size() == 1
                && segmentsHeldBy(nodeB, "referrals").size() == 1, "each node holds one of the two referral segments");
        assertThat(segmentsHeldBy(nodeA, "referrals")).doesNotContainAnyElementsOf(segmentsHeldBy(nodeB, "referrals"));
        assertThat(jdbc().queryForList("SELECT DISTINCT owner FROM token_entry WHERE processor_name = 'referrals'",
                String.class)).containsExactlyInAnyOrder("node-a", "node-b");

        var gpOnA = CareLoopClient.as(port(nodeA), "northside-gp-staff");
        var gpOnB = CareLoopClient.as(port(nodeB), "northside-gp-staff");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(idOf((i % 2 == 0 ? gpOnA : gpOnB).post("/api/referrals",
                    CareLoopClient.referralTo("riverside-derm", "MRN-SHARE-" + i))));
        }
        String head = String.valueOf(jdbc().queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class));
        assertThat(gpOnA.get("/api/referrals?box=outbox", h -> h.set("CareLoop-Position", head)).status())
                .isEqualTo(200);
        for (String id : ids) {
            Integer events = jdbc().queryForObject(
                    "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ? AND global_index <= ?",
                    Integer.class, id, Long.parseLong(head));
            assertThat(jdbc().queryForObject("SELECT count(*) FROM referral_timeline WHERE referral_id = ?",
                    Integer.class, id)).as("timeline entries of %s", id).isEqualTo(events);
            assertThat(jdbc().queryForObject("SELECT count(*) FROM audit_entry WHERE global_index IN "
                            + "(SELECT global_index FROM domain_event_entry WHERE aggregate_identifier = ?)",
                    Integer.class, id)).as("audit entries of %s", id).isGreaterThanOrEqualTo(events);
            assertThat(jdbc().queryForObject("SELECT count(*) FROM referral_view WHERE referral_id = ?",
                    Integer.class, id)).isEqualTo(1);
        }
    }

    @Test
    @Order(6)
    void aDeadlineFiresOnceThoughBothNodesWatchTheSchedule() {
        var gpOnA = CareLoopClient.as(port(nodeA), "northside-gp-staff");
        var urgent = new java.util.HashMap<>(CareLoopClient.referralTo("riverside-derm", "MRN-DEADLINE"));
        urgent.put("priority", "urgent");
        String id = idOf(gpOnA.post("/api/referrals", urgent));
        awaitTrue(URGENT_SLA.plusSeconds(20), () -> slaMissed(id) >= 1, "the SLA deadline fired");
        sleep(Duration.ofSeconds(5));
        assertThat(slaMissed(id)).as("ReferralSlaMissed events of one overdue referral").isEqualTo(1);
    }

    @Test
    @Order(7)
    void anIdempotencyKeyUsedOnOneNodeIsHonouredOnTheOther() {
        var gpOnA = CareLoopClient.as(port(nodeA), "northside-gp-staff");
        var gpOnB = CareLoopClient.as(port(nodeB), "northside-gp-staff");
        var referral = CareLoopClient.referralTo("riverside-derm", "MRN-IDEMPOTENT");

        var first = gpOnA.post("/api/referrals", referral, h -> h.set("Idempotency-Key", "nodes-key-1"));
        var replay = gpOnB.post("/api/referrals", referral, h -> h.set("Idempotency-Key", "nodes-key-1"));

        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.header("Location")).isEqualTo(first.header("Location"));
        assertThat(replay.body()).isEqualTo(first.body());
        assertThat(replay.header("CareLoop-Position")).isEqualTo(first.header("CareLoop-Position"));
    }

    @Test
    @Order(8)
    void aKeyUsedAtTheSameMomentOnBothNodesWritesOnce() {
        var gpOnA = CareLoopClient.as(port(nodeA), "northside-gp-staff");
        var gpOnB = CareLoopClient.as(port(nodeB), "northside-gp-staff");
        for (int round = 0; round < 5; round++) {
            String key = "nodes-race-" + round;
            var referral = CareLoopClient.referralTo("riverside-derm", "MRN-RACE-" + round);
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<CareLoopClient.Response> onA = CompletableFuture.supplyAsync(() -> {
                await(go);
                return gpOnA.post("/api/referrals", referral, h -> h.set("Idempotency-Key", key));
            });
            CompletableFuture<CareLoopClient.Response> onB = CompletableFuture.supplyAsync(() -> {
                await(go);
                return gpOnB.post("/api/referrals", referral, h -> h.set("Idempotency-Key", key));
            });
            go.countDown();
            String a = idOf(onA.join());
            String b = idOf(onB.join());
            assertThat(a).as("both answers name the one referral written").isEqualTo(b);
            assertThat(jdbc().queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ? "
                    + "AND payload_type LIKE '%ReferralSent'", Integer.class, a)).isEqualTo(1);
        }
    }

    @Test
    @Order(9)
    void aPeriodicRoundRunsOnOneNodePerInterval() {
        Ledger onA = nodeA.getBean(Ledger.class);
        Ledger onB = nodeB.getBean(Ledger.class);
        // Checkpoints every second on both nodes: within one interval at most one of them gets the round.
        sleep(Duration.ofMillis(1100));
        boolean a = onA.claimRound();
        boolean b = onB.claimRound();
        assertThat(a && b).as("both nodes claimed the same round").isFalse();
        Integer rounds = jdbc().queryForObject("SELECT count(*) FROM periodic_task_round WHERE task_name = "
                + "'ledger-checkpoints'", Integer.class);
        assertThat(rounds).isEqualTo(1);
    }

    @Test
    @Order(10)
    void aPartnersDeliveriesAreSharedByTheNodesThoughOneNodeClaimedThemAll() {
        String partner = "nodes-share-" + java.util.UUID.randomUUID().toString().substring(0, 6);
        // Registered on node A, which starts delivering at once and claims both segments; node B follows the
        // registry a moment later and finds none free. Nothing is sent: no referral goes to lakeside-cardio here.
        var admin = CareLoopClient.as(port(nodeA), "careloop-admin");
        var registered = admin.post("/api/admin/partners", java.util.Map.of("id", partner,
                "organisation", "lakeside-cardio", "baseUrl", "http://localhost:9/fhir", "mode", "transaction",
                "resourceTypes", List.of("Task")));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String group = "fhir-partner-" + partner;
        try {
            awaitTrue(TAKEOVER, () -> partnerSegmentsHeldBy(nodeA, partner).size() == 1
                            && partnerSegmentsHeldBy(nodeB, partner).size() == 1,
                    "each node delivers one of the partner's two segments");
            assertThat(jdbc().queryForList("SELECT DISTINCT owner FROM token_entry WHERE processor_name = ?",
                    String.class, group)).containsExactlyInAnyOrder("node-a", "node-b");
        } finally {
            admin.post("/api/admin/partners/" + partner + "/deactivate", null);
        }
    }

    @Test
    @Order(11)
    void aNodeLeavingUnderLoadLosesNoAcknowledgedWriteAndTheOtherTakesItsSegmentsOver() throws Exception {
        var gpOnA = CareLoopClient.as(port(nodeA), "northside-gp-staff");
        var gpOnB = CareLoopClient.as(port(nodeB), "northside-gp-staff");
        var dermOnB = CareLoopClient.as(port(nodeB), "riverside-derm-staff");
        ConcurrentLinkedQueue<String[]> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicBoolean load = new AtomicBoolean(true);
        AtomicInteger n = new AtomicInteger();
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (CareLoopClient client : List.of(gpOnA, gpOnB)) {
            writers.add(CompletableFuture.runAsync(() -> {
                while (load.get()) {
                    try {
                        var sent = client.post("/api/referrals",
                                CareLoopClient.referralTo("riverside-derm", "MRN-LOAD-" + n.incrementAndGet()));
                        if (sent.status() == 201) {
                            acknowledged.add(new String[]{idOf(sent), sent.header("CareLoop-Position")});
                        } else {
                            refused.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        refused.incrementAndGet(); // node A gone: connection refused, nothing acknowledged
                    }
                }
            }));
        }
        sleep(Duration.ofSeconds(3));
        nodeA.close();
        Instant stopped = Instant.now();
        awaitTrue(TAKEOVER, () -> segmentsHeldBy(nodeB, "referrals").size() == 2
                && segmentsHeldBy(nodeB, "audit").size() == 1, "node B holds every segment after node A left");
        Duration takeover = Duration.between(stopped, Instant.now());
        sleep(Duration.ofSeconds(2));
        load.set(false);
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).join();

        assertThat(takeover).isLessThan(TAKEOVER);
        assertThat(acknowledged).hasSizeGreaterThan(10);
        Set<String> seen = new HashSet<>();
        for (String[] write : acknowledged) {
            assertThat(seen.add(write[0])).isTrue();
            var read = dermOnB.get("/api/referrals/" + write[0], h -> h.set("CareLoop-Position", write[1]));
            assertThat(read.status()).as("acknowledged referral %s read on node B", write[0]).isEqualTo(200);
            assertThat(jdbc().queryForObject("SELECT count(*) FROM referral_timeline WHERE referral_id = ? "
                    + "AND event_type = 'ReferralSent'", Integer.class, write[0])).isEqualTo(1);
        }
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

    private static Set<Integer> segmentsHeldBy(ConfigurableApplicationContext node, String processor) {
        return node.getBean(EventProcessingConfiguration.class)
                .eventProcessor(processor, TrackingEventProcessor.class)
                .map(p -> p.processingStatus().keySet()).map(Set::copyOf).orElse(Set.of());
    }

    private static Set<Integer> partnerSegmentsHeldBy(ConfigurableApplicationContext node, String partner) {
        var processor = node.getBean(dev.careloop.fhir.delivery.PartnerProcessors.class).processors()
                .get("fhir-partner-" + partner);
        return processor == null ? Set.of() : Set.copyOf(processor.processingStatus().keySet());
    }

    private int slaMissed(String id) {
        Integer count = jdbc().queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "AND payload_type LIKE '%ReferralSlaMissed'", Integer.class, id);
        return count == null ? 0 : count;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void awaitTrue(Duration timeout, java.util.function.BooleanSupplier condition, String failure) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as(failure).isBefore(deadline);
            sleep(Duration.ofMillis(200));
        }
    }
}

package dev.careloop.app.nodes;

import dev.careloop.app.CareLoopApplication;
import dev.careloop.app.CareLoopClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.Segment;
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

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes by notification (issue 19): a write answers with the read model's view of what it wrote, and an
 * immediate GET shows it; on one node, and on two nodes sharing the referral segments, where the segment that
 * projects a referral may be the other node's. The nodes write the view only through the tracking processor
 * ({@code careloop.projections.inline=false}, as a query side of its own does), so that it is that wait which is
 * tested; InlineReferralViewTest covers the view written in the command's transaction.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadYourWritesTest {

    /** How long a write waits for its view before answering only its id and version. */
    private static final Duration READ_WAIT = Duration.ofSeconds(20);

    private final String issuerKey = newIssuerKey();
    private EmbeddedPostgres postgres;
    private ConfigurableApplicationContext nodeA;
    private ConfigurableApplicationContext nodeB;

    @BeforeAll
    void startTwoNodesOnOneDatabase() throws IOException {
        postgres = EmbeddedPostgres.builder().setRegisterShutdownHook(false)
                .setServerConfig("max_connections", "200").start();
        CompletableFuture<ConfigurableApplicationContext> a = CompletableFuture.supplyAsync(() -> startNode("ryw-a"));
        try {
            nodeB = startNode("ryw-b");
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
                        "--careloop.projections.inline=false",
                        "--careloop.read-your-writes-timeout=" + READ_WAIT,
                        "--careloop.local-issuer-key=" + issuerKey);
    }

    private static int port(ConfigurableApplicationContext node) {
        return node.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    private static String idOf(CareLoopClient.Response created) {
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.header("Location").substring(created.header("Location").lastIndexOf('/') + 1);
    }

    @Test
    @Order(1)
    void aWriteAnswersItsViewAndAnImmediateReadOnTheSameNodeShowsIt() {
        var gp = CareLoopClient.as(port(nodeA), "northside-gp-staff");
        var derm = CareLoopClient.as(port(nodeA), "riverside-derm-staff");
        for (int i = 0; i < 5; i++) {
            var sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-RYW1-" + i));
            String id = idOf(sent);
            assertThat(sent.json().get("status").asString()).as("the read model's view, not only id and version")
                    .isEqualTo("created");

            var accepted = derm.post("/api/referrals/" + id + "/accept", null);
            assertThat(accepted.status()).isEqualTo(200);
            assertThat(accepted.json().get("status").asString()).isEqualTo("accepted");

            var read = derm.get("/api/referrals/" + id);
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.header("ETag")).isEqualTo("\"2\"");
            assertThat(read.json().get("status").asString()).isEqualTo("accepted");
            assertThat(gp.get("/api/referrals/" + id + "/timeline").json()).hasSize(2);
        }
    }

    @Test
    @Order(2)
    void aWriteProjectedByTheOtherNodesSegmentIsAnsweredAsSoonAsThatNodeCommitsIt() {
        awaitTrue(Duration.ofSeconds(20), () -> segmentsHeldBy(nodeA).size() == 1 && segmentsHeldBy(nodeB).size() == 1,
                "each node holds one of the two referral segments");
        var gpOnA = CareLoopClient.as(port(nodeA), "northside-gp-staff");
        var dermOnB = CareLoopClient.as(port(nodeB), "riverside-derm-staff");
        Set<Integer> heldByB = segmentsHeldBy(nodeB);
        Segment[] segments = Segment.computeSegments(0, 1);
        int projectedByB = 0;
        for (int i = 0; i < 10; i++) {
            Instant asked = Instant.now();
            var sent = gpOnA.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-RYW2-" + i));
            assertThat(Duration.between(asked, Instant.now())).as("answered before the wait's timeout")
                    .isLessThan(READ_WAIT);
            String id = idOf(sent);
            assertThat(sent.json().get("status").asString()).as("referral %s answered as its view", id)
                    .isEqualTo("created");
            for (Segment segment : segments) {
                if (segment.matches(id.hashCode()) && heldByB.contains(segment.getSegmentId())) {
                    projectedByB++;
                }
            }

            var read = dermOnB.get("/api/referrals/" + id, h -> h.set("CareLoop-Position",
                    sent.header("CareLoop-Position")));
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.json().get("status").asString()).isEqualTo("created");
        }
        assertThat(projectedByB).as("writes on node A whose referral node B's segment projects").isPositive();
    }

    private static Set<Integer> segmentsHeldBy(ConfigurableApplicationContext node) {
        return node.getBean(EventProcessingConfiguration.class)
                .eventProcessor("referrals", TrackingEventProcessor.class)
                .map(p -> p.processingStatus().keySet()).map(Set::copyOf).orElse(Set.of());
    }

    private static void awaitTrue(Duration timeout, java.util.function.BooleanSupplier condition, String failure) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as(failure).isBefore(deadline);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
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
}

package dev.careloop.app.fhir.delivery;

import com.sun.net.httpserver.HttpServer;
import dev.careloop.app.Await;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A partner that takes seconds to answer keeps no database connection waiting: while a delivery is in flight (from
 * the partner's processor or out of its dead-letter queue) no transaction opened before the request is still open,
 * and the outcome (the disclosure in the log, the dead letter gone) is written once the partner has answered.
 */
@CareLoopIntegrationTest
class SlowPartnerHoldsNoConnectionTest {

    private static final Duration PARTNER_DELAY = Duration.ofMillis(2500);

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    private HttpServer partnerEhr;
    private final AtomicReference<CountDownLatch> called = new AtomicReference<>(new CountDownLatch(1));
    private final AtomicReference<Instant> calledAt = new AtomicReference<>();
    private final AtomicInteger requests = new AtomicInteger();
    /** What the partner answers, after {@link #PARTNER_DELAY}. */
    private final AtomicInteger status = new AtomicInteger(200);

    @BeforeEach
    void slowPartner() throws IOException {
        partnerEhr = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        partnerEhr.createContext("/fhir", exchange -> {
            requests.incrementAndGet();
            calledAt.set(Instant.now());
            called.get().countDown();
            try {
                Thread.sleep(PARTNER_DELAY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        partnerEhr.start();
    }

    @AfterEach
    void stopPartner() {
        partnerEhr.stop(0);
    }

    @Test
    void noTransactionStaysOpenWhileAPartnerTakesSecondsToAnswer() throws InterruptedException {
        CareLoopClient admin = DemoClinics.at(port).admin();
        CareLoopClient gp = DemoClinics.at(port).gp();
        String partnerId = "slow-" + UUID.randomUUID().toString().substring(0, 8);
        var registered = admin.post("/api/admin/partners", Map.of("id", partnerId, "organisation", "riverside-derm",
                "baseUrl", "http://127.0.0.1:" + partnerEhr.getAddress().getPort() + "/fhir",
                "mode", "transaction", "resourceTypes", List.of("ServiceRequest", "Task")));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        try {
            var sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "SLOW-" + partnerId));
            assertThat(sent.status()).as(sent.body()).isEqualTo(201);

            assertThat(called.get().await(60, TimeUnit.SECONDS)).as("the partner was called").isTrue();
            assertNoTransactionOpenSinceThePartnerWasCalled();

            Await.until(Duration.ofSeconds(30), () -> disclosures(partnerId) == 1 && admin.get("/api/admin/partners/"
                            + partnerId).json().path("health").path("lastSuccessAt").isString(),
                    "the delivery recorded as a disclosure and a success once the partner answered");
            assertThat(requests.get()).as("delivered once").isEqualTo(1);
        } finally {
            admin.post("/api/admin/partners/" + partnerId + "/deactivate", null);
        }
    }

    @Test
    void aDeadLetterRetriedWhileThePartnerTakesSecondsHoldsNoTransactionEither() throws Exception {
        CareLoopClient admin = DemoClinics.at(port).admin();
        CareLoopClient gp = DemoClinics.at(port).gp();
        String partnerId = "slow-dl-" + UUID.randomUUID().toString().substring(0, 8);
        // Refused for good (a 4xx other than 408/429): dead-lettered at once, retried only at an administrator's word.
        status.set(422);
        var registered = admin.post("/api/admin/partners", Map.of("id", partnerId, "organisation", "riverside-derm",
                "baseUrl", "http://127.0.0.1:" + partnerEhr.getAddress().getPort() + "/fhir",
                "mode", "transaction", "resourceTypes", List.of("ServiceRequest", "Task")));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        try {
            var sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "SLOW-" + partnerId));
            assertThat(sent.status()).as(sent.body()).isEqualTo(201);
            Await.until(Duration.ofSeconds(60), () -> admin.get("/api/admin/partners/" + partnerId + "/dead-letters")
                    .json().size() == 1, "the refused change dead-lettered");
            String letterId = admin.get("/api/admin/partners/" + partnerId + "/dead-letters").json().get(0)
                    .path("letterId").asString();

            status.set(200);
            called.set(new CountDownLatch(1));
            CompletableFuture<CareLoopClient.Response> retried = CompletableFuture.supplyAsync(() ->
                    admin.post("/api/admin/partners/" + partnerId + "/dead-letters/" + letterId + "/retry", null));
            assertThat(called.get().await(30, TimeUnit.SECONDS)).as("the partner was called again").isTrue();
            assertNoTransactionOpenSinceThePartnerWasCalled();

            var outcome = retried.get(30, TimeUnit.SECONDS);
            assertThat(outcome.status()).as(outcome.body()).isEqualTo(200);
            assertThat(outcome.json().path("outcome").asString()).isEqualTo("delivered");
            assertThat(admin.get("/api/admin/partners/" + partnerId + "/dead-letters").json().size()).isZero();
            assertThat(disclosures(partnerId)).as("the retried delivery is a disclosure, once").isEqualTo(1);
        } finally {
            admin.post("/api/admin/partners/" + partnerId + "/deactivate", null);
        }
    }

    /** Half-way through the partner's delay: no connection idles in a transaction begun before it was called. */
    private void assertNoTransactionOpenSinceThePartnerWasCalled() throws InterruptedException {
        Instant at = calledAt.get();
        Thread.sleep(PARTNER_DELAY.toMillis() / 2);
        List<Map<String, Object>> open = jdbc.queryForList("SELECT pid, application_name, query, xact_start "
                + "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                + "AND state LIKE 'idle in transaction%' AND xact_start <= ?", Timestamp.from(at));
        assertThat(open).as("transactions open since before the partner was called").isEmpty();
    }

    private long disclosures(String partnerId) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE payload_type LIKE ? "
                        + "AND convert_from(payload, 'UTF8') LIKE ?", Long.class, "%DisclosedToPartner",
                "%\"" + partnerId + "\"%");
    }
}

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A partner that takes seconds to answer keeps no database connection waiting: while the delivery is in flight no
 * transaction opened before the request is still open, and the outcome (the disclosure in the log) is written
 * once the partner has answered.
 */
@CareLoopIntegrationTest
class SlowPartnerHoldsNoConnectionTest {

    private static final Duration PARTNER_DELAY = Duration.ofMillis(2500);

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    private HttpServer partnerEhr;
    private final CountDownLatch called = new CountDownLatch(1);
    private final AtomicReference<Instant> calledAt = new AtomicReference<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void slowPartner() throws IOException {
        partnerEhr = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        partnerEhr.createContext("/fhir", exchange -> {
            requests.incrementAndGet();
            calledAt.compareAndSet(null, Instant.now());
            called.countDown();
            try {
                Thread.sleep(PARTNER_DELAY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
            exchange.sendResponseHeaders(200, body.length);
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

            assertThat(called.await(60, TimeUnit.SECONDS)).as("the partner was called").isTrue();
            Thread.sleep(PARTNER_DELAY.toMillis() / 2);
            assertThat(requests.get()).as("still waiting on the partner's first answer").isEqualTo(1);
            List<Map<String, Object>> open = jdbc.queryForList("SELECT pid, application_name, query, xact_start "
                    + "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    + "AND state LIKE 'idle in transaction%' AND xact_start <= ?", Timestamp.from(calledAt.get()));
            assertThat(open).as("transactions open since before the partner was called").isEmpty();

            Await.until(Duration.ofSeconds(30), () -> disclosures(partnerId) == 1 && admin.get("/api/admin/partners/"
                            + partnerId).json().path("health").path("lastSuccessAt").isString(),
                    "the delivery recorded as a disclosure and a success once the partner answered");
            assertThat(requests.get()).as("delivered once").isEqualTo(1);
        } finally {
            admin.post("/api/admin/partners/" + partnerId + "/deactivate", null);
        }
    }

    private long disclosures(String partnerId) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE payload_type LIKE ? "
                        + "AND convert_from(payload, 'UTF8') LIKE ?", Long.class, "%DisclosedToPartner",
                "%\"" + partnerId + "\"%");
    }
}

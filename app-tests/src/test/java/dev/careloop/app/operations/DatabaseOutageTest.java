package dev.careloop.app.operations;

import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.Await;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import org.axonframework.common.Registration;
import org.axonframework.queryhandling.QueryBus;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import tools.jackson.databind.ObjectMapper;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers that tell the truth when the database is not there: a write that cannot reach it is a 503 problem with
 * Retry-After (an OperationOutcome under /fhir) and writes nothing, readiness says DOWN within seconds, and a write
 * whose events committed is answered 2xx even when reading it back fails. The pool is small and quick to give up
 * here (its own context), so that the test can hold every connection, as a stalled pool or an outage would. The
 * outage goes last: the processors then back off for a while.
 */
@CareLoopIntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestPropertySource(properties = {"spring.datasource.hikari.maximum-pool-size=8",
        "spring.datasource.hikari.connection-timeout=PT1S"})
// Its own context, used by no other class: closed after it, so its processors and pollers stop.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DatabaseOutageTest {

    private static final int POOL = 8;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    DataSource dataSource;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    QueryBus queryBus;

    @Test
    @Order(2)
    void aWriteThatCannotReachTheDatabaseIs503WithRetryAfterAndWritesNothing() throws Exception {
        CareLoopClient gp = DemoClinics.at(port).gp();
        String mrn = "OUT-" + UUID.randomUUID().toString().substring(0, 8);
        String referral = JSON.writeValueAsString(CareLoopClient.referralTo("riverside-derm", mrn));
        HttpResponse<String> refused;
        HttpResponse<String> fhir;
        HttpResponse<String> readiness;
        long readinessMillis;
        long sentBefore = referralsSent();
        List<Connection> held = holdEveryConnection();
        try {
            refused = once(gp, "POST", "/api/referrals", referral);
            fhir = once(gp, "GET", "/fhir/ServiceRequest/" + UUID.randomUUID(), null);
            long started = System.nanoTime();
            readiness = once(gp, "GET", "/actuator/health/readiness", null);
            readinessMillis = (System.nanoTime() - started) / 1_000_000;
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(JSON.readTree(refused.body()).get("status").asInt()).isEqualTo(503);
        assertThat(fhir.statusCode()).as(fhir.body()).isEqualTo(503);
        assertThat(JSON.readTree(fhir.body()).get("resourceType").asString()).isEqualTo("OperationOutcome");
        assertThat(fhir.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(503);
        assertThat(readinessMillis).isLessThan(5_000);
        assertThat(referralsSent()).isEqualTo(sentBefore);

        Response retried = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", mrn));
        assertThat(retried.status()).as(retried.body()).isEqualTo(201);
    }

    @Test
    @Order(1)
    void aCommittedWriteWhoseReadBackFailsIsStill201WithItsLocationAndVersion() {
        CareLoopClient gp = DemoClinics.at(port).gp();
        Registration failing = queryBus.registerHandlerInterceptor((unitOfWork, chain) -> {
            throw new CannotGetJdbcConnectionException("injected: the pool timed out after the commit");
        });
        Response sent;
        try {
            sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm",
                    "RB-" + UUID.randomUUID().toString().substring(0, 8)));
        } finally {
            failing.cancel();
        }
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        String id = sent.json().get("referralId").asString();
        assertThat(sent.json().get("version").asLong()).isEqualTo(1);
        assertThat(sent.header("ETag")).isEqualTo("\"1\"");
        assertThat(sent.header("Location")).endsWith("/api/referrals/" + id);
        Await.until(Duration.ofSeconds(10), () -> gp.get("/api/referrals/" + id).status() == 200,
                "the referral answered 201 is there to read");
    }

    /** One request, sent once: no client library retrying a 503 by itself after its Retry-After. */
    private HttpResponse<String> once(CareLoopClient caller, String method, String path, String json)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + caller.token())
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private long referralsSent() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE payload_type LIKE '%ReferralSent'",
                Long.class);
    }

    /** Every connection of the pool, taken as the processors let go of them. */
    private List<Connection> holdEveryConnection() throws SQLException {
        List<Connection> held = new ArrayList<>();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (held.size() < POOL) {
            try {
                held.add(dataSource.getConnection());
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    held.forEach(c -> {
                        try {
                            c.close();
                        } catch (SQLException ignored) {
                            // closing what we took
                        }
                    });
                    throw e;
                }
            }
        }
        return held;
    }
}

package dev.careloop.fhir.delivery;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

/** What a partner answers is not reflected: the admin API keeps a status or a plain reason, nothing it said. */
class PartnerAnswersTest extends DeliveryTesting {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aPartnersErrorBodyIsShownNowhereAndKeptNowhere() {
        String marker = "SECRET-" + UUID.randomUUID();
        WireMockServer server = partnerServer();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500)
                .withBody("{\"error\":\"db password is " + marker + "\"}\r\n\u001b[31m" + marker)));
        String org = unique("org");
        String partner = registerPartner(org, server);

        change(unique("ref"), Set.of(org), "requested");
        await(Duration.ofSeconds(15), () -> letters(partner).size() == 1, "the change dead-lettered");

        JsonNode health = asAdmin("GET", "/api/admin/partners/" + partner, null).json().path("health");
        assertThat(health.path("lastError").asString()).isEqualTo("HTTP 500");
        JsonNode letter = letters(partner).get(0);
        assertThat(letter.path("cause").asString()).isEqualTo("HTTP 500");
        assertThat(asAdmin("GET", "/api/admin/partners/" + partner, null).body()).doesNotContain(marker);
        assertThat(asAdmin("GET", "/api/admin/partners/" + partner + "/dead-letters", null).body())
                .doesNotContain(marker);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dead_letter_entry WHERE cause_message LIKE ?",
                Long.class, "%" + marker + "%")).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM fhir_partner WHERE last_error LIKE ?",
                Long.class, "%" + marker + "%")).isZero();
    }

    @Test
    void aPartnerNobodyListensForIsAConnectionRefused() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String org = unique("org");
        String partner = unique("p");
        Answer registered = asAdmin("POST", "/api/admin/partners", Map.of("id", partner, "organisation", org,
                "baseUrl", "http://127.0.0.1:" + closed + "/fhir", "mode", "transaction",
                "resourceTypes", List.of("Task")));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        try {
            change(unique("ref"), Set.of(org), "requested");
            await(Duration.ofSeconds(15), () -> letters(partner).size() == 1, "the change dead-lettered");

            assertThat(asAdmin("GET", "/api/admin/partners/" + partner, null).json().path("health")
                    .path("lastError").asString()).isEqualTo("connection refused");
            assertThat(letters(partner).get(0).path("cause").asString()).isEqualTo("connection refused");
        } finally {
            asAdmin("POST", "/api/admin/partners/" + partner + "/deactivate", null);
        }
    }

    @Test
    void aPartnerWhoseNameDoesNotResolveIsAnUnknownHostByName() {
        String org = unique("org");
        String partner = unique("p");
        // .invalid never resolves (RFC 6761); Java's HTTP client says so only in a ConnectException's cause.
        Answer registered = asAdmin("POST", "/api/admin/partners", Map.of("id", partner, "organisation", org,
                "baseUrl", "http://careloop-partner.invalid/fhir", "mode", "transaction",
                "resourceTypes", List.of("Task")));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        try {
            change(unique("ref"), Set.of(org), "requested");
            await(Duration.ofSeconds(15), () -> letters(partner).size() == 1, "the change dead-lettered");

            assertThat(asAdmin("GET", "/api/admin/partners/" + partner, null).json().path("health")
                    .path("lastError").asString()).isEqualTo("unknown host careloop-partner.invalid");
            assertThat(letters(partner).get(0).path("cause").asString())
                    .isEqualTo("unknown host careloop-partner.invalid");
        } finally {
            asAdmin("POST", "/api/admin/partners/" + partner + "/deactivate", null);
        }
    }

    @Test
    void aPartnerRefusingAChangeIsOneWarningLineWithoutAStackTrace() {
        WireMockServer server = partnerServer();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(422).withBody("{\"issue\":[]}")));
        String org = unique("org");
        String partner = registerPartner(org, server);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        try {
            change(unique("ref"), Set.of(org), "requested");
            await(Duration.ofSeconds(60), () -> letters(partner).size() == 1, "the change dead-lettered");
            // The dead-letter round may retry it meanwhile: give it time to log, if it would.
            Thread.sleep(1500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            root.detachAppender(logs);
        }

        List<ILoggingEvent> events = List.copyOf(logs.list);
        assertThat(events).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .as("warnings and errors with a stack trace").noneMatch(e -> e.getThrowableProxy() != null);
        assertThat(events).filteredOn(e -> e.getLevel() == Level.ERROR).as("errors").isEmpty();
        assertThat(events).filteredOn(e -> e.getLevel() == Level.WARN
                        && e.getFormattedMessage().contains("partner " + partner))
                .as("one line naming the partner and the status (a loaded machine may first time out)")
                .anyMatch(e -> e.getFormattedMessage().contains("HTTP 422"))
                .noneMatch(e -> e.getFormattedMessage().contains("\n"));
    }

    private List<JsonNode> letters(String partner) {
        Answer answer = asAdmin("GET", "/api/admin/partners/" + partner + "/dead-letters", null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().valueStream().toList();
    }
}

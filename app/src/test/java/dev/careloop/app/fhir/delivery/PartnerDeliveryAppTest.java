package dev.careloop.app.fhir.delivery;

import ca.uhn.fhir.context.FhirContext;
import com.sun.net.httpserver.HttpServer;
import dev.careloop.api.referral.ReferralEvent;
import dev.careloop.api.referral.ReferralForwarded;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.app.CareLoopApplication;
import dev.careloop.app.CareLoopClient;
import dev.careloop.fhir.delivery.FhirDeliveryConfiguration;
import dev.careloop.fhir.mapping.ChangeProjector;
import dev.careloop.fhir.mapping.FhirChange;
import org.axonframework.eventhandling.DomainEventMessage;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.ActiveProfiles;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delivery in the whole application: a referral sent over the REST API reaches a partner EHR (a JDK HTTP server on
 * localhost: the app module has no WireMock on its test classpath) of the
 * receiving organisation, registered by an administrator with a real token. The ChangeProjector here is a
 * stand-in (@Primary) until the mapping's own is merged. The fhir-adapter module tests cover failures, dead
 * letters, OAuth2, rest-hook and load; this one proves the wiring and the security.
 */
@SpringBootTest(classes = {CareLoopApplication.class, FhirDeliveryConfiguration.class,
        PartnerDeliveryAppTest.StandInProjector.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"careloop.fhir.delivery.initial-backoff=PT0.05S", "careloop.fhir.delivery.max-backoff=PT0.3S",
                "careloop.fhir.delivery.dead-letter-poll-interval=PT0.5S"})
@ActiveProfiles({"local", "test"})
class PartnerDeliveryAppTest {

    @LocalServerPort
    int port;

    /** One request as the partner received it. */
    record Received(String method, String path, String authorization, String body) {
    }

    private HttpServer partnerEhr;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void partner() throws IOException {
        partnerEhr = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        partnerEhr.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        partnerEhr.start();
    }

    @AfterEach
    void stopPartner() {
        partnerEhr.stop(0);
    }

    private String partnerBaseUrl() {
        return "http://127.0.0.1:" + partnerEhr.getAddress().getPort() + "/fhir";
    }

    @Test
    void aReferralSentToAnOrganisationReachesItsRegisteredPartnerEhr() {
        CareLoopClient admin = CareLoopClient.as(port, "careloop-admin");
        CareLoopClient gp = CareLoopClient.as(port, "northside-gp-staff");
        String partnerId = "riverside-" + UUID.randomUUID().toString().substring(0, 8);
        var registered = admin.post("/api/admin/partners", Map.of("id", partnerId, "organisation", "riverside-derm",
                "baseUrl", partnerBaseUrl(), "mode", "transaction", "resourceTypes", List.of("Task"),
                "auth", Map.of("type", "bearer", "token", "riverside-inbound-token")));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        assertThat(registered.header("Location")).isEqualTo("/api/admin/partners/" + partnerId);

        var sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-FHIR-" + partnerId));
        assertThat(sent.status()).isEqualTo(201);
        String referralId = sent.header("Location").substring("/api/referrals/".length());

        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (received.isEmpty() && Instant.now().isBefore(deadline)) {
            sleep(100);
        }
        sleep(300);
        assertThat(received).hasSize(1);
        assertThat(received.get(0).method()).isEqualTo("POST");
        assertThat(received.get(0).path()).isEqualTo("/fhir");
        assertThat(received.get(0).authorization()).isEqualTo("Bearer riverside-inbound-token");
        Bundle bundle = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, received.get(0).body());
        assertThat(bundle.getEntry()).extracting(e -> e.getRequest().getUrl()).containsExactly("Task/" + referralId);
        assertThat(bundle.getEntryFirstRep().getResource().getMeta().getVersionId()).isEqualTo("1");

        var health = admin.get("/api/admin/partners/" + partnerId).json().get("health");
        assertThat(health.get("lastSuccessAt").isNull()).isFalse();
        admin.post("/api/admin/partners/" + partnerId + "/deactivate", null);
    }

    @Test
    void staffAndComplianceOfficersMayNotManagePartners() {
        CareLoopClient staff = CareLoopClient.as(port, "riverside-derm-staff");
        CareLoopClient compliance = CareLoopClient.as(port, "riverside-derm-compliance");

        var register = staff.post("/api/admin/partners", Map.of("id", "sneaky", "organisation", "riverside-derm",
                "baseUrl", "http://localhost:1/fhir", "mode", "transaction", "resourceTypes", List.of("Task")));
        var list = compliance.get("/api/admin/partners");

        assertThat(register.status()).isEqualTo(403);
        assertThat(register.header("Content-Type")).startsWith("application/problem+json");
        assertThat(list.status()).isEqualTo(403);
    }

    @Test
    void aRegistrationWithBadFieldsNamesEachOfThem() {
        CareLoopClient admin = CareLoopClient.as(port, "careloop-admin");

        var bad = admin.post("/api/admin/partners", Map.of("baseUrl", "not a url", "mode", "transaction",
                "resourceTypes", List.of()));

        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("\"id\"").contains("\"organisation\"").contains("\"baseUrl\"")
                .contains("\"resourceTypes\"");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The referral as a Task (id = referral id, versionId = version), visible to its two organisations. */
    @TestConfiguration(proxyBeanMethods = false)
    static class StandInProjector {
        @Bean
        @Primary
        ChangeProjector standInChangeProjector() {
            return history -> {
                Set<String> organisations = new LinkedHashSet<>();
                String referralId = null;
                for (DomainEventMessage<?> event : history) {
                    if (event.getPayload() instanceof ReferralSent sent) {
                        organisations.add(sent.initiatorOrganisation());
                        organisations.add(sent.recipientOrganisation());
                    } else if (event.getPayload() instanceof ReferralForwarded forwarded) {
                        organisations.add(forwarded.toOrganisation());
                    }
                    if (event.getPayload() instanceof ReferralEvent referral) {
                        referralId = referral.referralId();
                    }
                }
                DomainEventMessage<?> last = history.get(history.size() - 1);
                long version = last.getSequenceNumber() + 1;
                Task task = new Task();
                task.setId(last.getAggregateIdentifier());
                task.getMeta().setVersionId(Long.toString(version)).setLastUpdated(Date.from(last.getTimestamp()));
                task.setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
                List<Resource> resources = List.of(task);
                return new FhirChange(last.getType(), last.getAggregateIdentifier(), version, last.getTimestamp(),
                        referralId, null, organisations, resources);
            };
        }
    }
}

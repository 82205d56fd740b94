package dev.careloop.fhir.delivery;

import ca.uhn.fhir.context.FhirContext;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.careloop.fhir.delivery.DeliveryTestApplication.ReferralChanged;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delivery tests share one context (embedded PostgreSQL, Axon, the admin API on a random port) with fast
 * retries; each test registers its own partners, played by WireMock servers on localhost.
 */
@SpringBootTest(classes = DeliveryTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "axon.axonserver.enabled=false",
                "axon.serializer.general=jackson", "axon.serializer.events=jackson",
                "axon.serializer.messages=jackson",
                "spring.mvc.problemdetails.enabled=true",
                "careloop.fhir.delivery.attempts=3",
                "careloop.fhir.delivery.initial-backoff=PT0.05S",
                "careloop.fhir.delivery.max-backoff=PT0.3S",
                "careloop.fhir.delivery.max-dead-letter-backoff=PT1S",
                "careloop.fhir.delivery.connect-timeout=PT1S",
                "careloop.fhir.delivery.read-timeout=PT1S",
                "careloop.fhir.delivery.dead-letter-poll-interval=PT0.3S",
                "careloop.fhir.delivery.heartbeat-interval=PT1S",
                "careloop.fhir.delivery.fhir-base-url=https://careloop.test/fhir",
                // Partners are WireMock servers on http://127.0.0.1, as in the local profile.
                "careloop.fhir.partners.allow-http=true",
                "careloop.fhir.partners.allow-private-networks=true",
                // As the application sets it (app's application.yml): Axon's stack trace for each failed dead-letter
                // retry is silenced, CareLoop's own line says what happened.
                "logging.level.org.axonframework.eventhandling.deadletter.DeadLetteredEventProcessingTask=ERROR"})
abstract class DeliveryTesting {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    EventStore eventStore;
    @Autowired
    TransactionManager transactionManager;
    @Autowired
    PartnerProcessors processors;

    private final List<WireMockServer> servers = new ArrayList<>();
    private final List<String> partners = new ArrayList<>();

    /** Partners of a test stop receiving when it ends, so that they do not fail on in later tests. */
    @AfterEach
    void stopPartners() {
        partners.forEach(id -> asAdmin("POST", "/api/admin/partners/" + id + "/deactivate", null));
        servers.forEach(WireMockServer::stop);
    }

    WireMockServer partnerServer(WireMockConfiguration options) {
        WireMockServer server = new WireMockServer(options.dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        servers.add(server);
        return server;
    }

    WireMockServer partnerServer() {
        return partnerServer(WireMockConfiguration.options());
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Appends the next change of a referral to the log, as its aggregate would. */
    void change(String referralId, Set<String> organisations, String status) {
        transactionManager.executeInTransaction(() -> {
            long next = eventStore.lastSequenceNumberFor(referralId).map(n -> n + 1).orElse(0L);
            eventStore.publish(new GenericDomainEventMessage<>("Referral", referralId, next,
                    new ReferralChanged(referralId, organisations, status)));
        });
    }

    // --- the admin API ---------------------------------------------------------------------------------

    record Answer(int status, String contentType, String location, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    Answer asAdmin(String method, String path, Object body) {
        return call(method, path, body, "admin", "careloop");
    }

    Answer call(String method, String path, Object body, String roles, String org) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("X-Test-User", "test-" + roles).header("X-Test-Org", org).header("X-Test-Roles", roles)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        try {
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null),
                    r.headers().firstValue("Location").orElse(null), r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Registers a transaction partner without credentials; returns its id. */
    String registerPartner(String organisation, WireMockServer server, List<String> types, Map<String, ?> auth) {
        return registerPartner(organisation, server, "transaction", types, auth);
    }

    String registerPartner(String organisation, WireMockServer server, String mode, List<String> types,
                           Map<String, ?> auth) {
        String id = unique("p");
        Map<String, Object> body = new java.util.HashMap<>(Map.of("id", id, "organisation", organisation,
                "baseUrl", server.baseUrl() + "/fhir", "mode", mode, "resourceTypes", types));
        if (auth != null) {
            body.put("auth", auth);
        }
        Answer registered = asAdmin("POST", "/api/admin/partners", body);
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        partners.add(id);
        return id;
    }

    String registerPartner(String organisation, WireMockServer server) {
        return registerPartner(organisation, server, List.of("Task", "Provenance"), null);
    }

    // --- what partners received -------------------------------------------------------------------------

    /** Requests to the partner's FHIR base, oldest first, with what the partner answered. */
    static List<ServeEvent> deliveries(WireMockServer server) {
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        Collections.reverse(events);
        return events.stream().filter(e -> e.getRequest().getUrl().startsWith("/fhir")).toList();
    }

    /** Requests the partner answered with a 2xx in time (not a broken connection, not too late). */
    static List<ServeEvent> successes(WireMockServer server) {
        return deliveries(server).stream()
                .filter(e -> e.getResponse().getFault() == null && e.getResponseDefinition().getFixedDelayMilliseconds() == null
                        && e.getResponse().getStatus() >= 200 && e.getResponse().getStatus() < 300).toList();
    }

    static Bundle bundle(LoggedRequest request) {
        return FHIR.newJsonParser().parseResource(Bundle.class, request.getBodyAsString());
    }

    /** "Task/{id} v{version}" for each Task the successful deliveries carried, in the order they arrived. */
    static List<String> taskVersions(WireMockServer server) {
        List<String> versions = new ArrayList<>();
        for (ServeEvent e : successes(server)) {
            for (Bundle.BundleEntryComponent entry : bundle(e.getRequest()).getEntry()) {
                if (entry.getResource() != null && "Task".equals(entry.getResource().fhirType())) {
                    versions.add("Task/" + entry.getResource().getIdElement().getIdPart() + " v"
                            + entry.getResource().getMeta().getVersionId());
                }
            }
        }
        return versions;
    }

    static void await(Duration timeout, BooleanSupplier condition, String failure) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as(failure).isBefore(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

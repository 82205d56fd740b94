package dev.careloop.fhir.delivery;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

/** What a partner that fails does to delivery: retried, then queued, never lost, never twice in effect. */
class DeliveryFailureTest extends DeliveryTesting {

    @Test
    void aPartnerAnswering503ForAWhileGetsEveryChangeInOrderOnceItRecovers() {
        WireMockServer server = partnerServer();
        // Down for 6 requests: longer than the 3 tries of one change, so it is dead-lettered and retried later.
        failThenSucceed(server, 6, aResponse().withStatus(503));
        String org = unique("org");
        String partner = registerPartner(org, server);
        String referral = unique("ref");

        change(referral, Set.of(org), "requested");
        change(referral, Set.of(org), "accepted");
        change(referral, Set.of(org), "in-progress");
        await(Duration.ofSeconds(20), () -> taskVersions(server).size() == 3, "every change delivered");

        assertThat(taskVersions(server)).containsExactly("Task/" + referral + " v1", "Task/" + referral + " v2",
                "Task/" + referral + " v3");
        assertThat(deliveries(server).stream().filter(e -> e.getResponse().getStatus() == 503)).hasSize(6);
        await(Duration.ofSeconds(5), () -> asAdmin("GET", "/api/admin/partners/" + partner, null).json()
                .path("health").path("deadLettered").asLong() == 0, "no dead letters left");
        assertThat(asAdmin("GET", "/api/admin/partners/" + partner, null).json().path("health")
                .path("lastError").asString()).contains("503");
    }

    @Test
    void connectionsResetByThePartnerAreRetried() {
        WireMockServer server = partnerServer();
        failThenSucceed(server, 2, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        String org = unique("org");
        registerPartner(org, server);
        String referral = unique("ref");

        change(referral, Set.of(org), "requested");
        await(Duration.ofSeconds(15), () -> taskVersions(server).size() == 1, "the change delivered");

        assertThat(taskVersions(server)).containsExactly("Task/" + referral + " v1");
        assertThat(deliveries(server)).hasSize(3);
    }

    @Test
    void aPartnerSlowerThanOurTimeoutGetsTheSamePutsAgainAndHoldsOneResourcePerId() {
        WireMockServer server = partnerServer();
        // Answers after 2 s, when we have given up after 1 s (careloop.fhir.delivery.read-timeout): it may well
        // have stored the change, and the retry must not make a second one.
        failThenSucceed(server, 1, aResponse().withStatus(200).withFixedDelay(2000));
        String org = unique("org");
        registerPartner(org, server);
        String referral = unique("ref");

        change(referral, Set.of(org), "requested");
        await(Duration.ofSeconds(15), () -> deliveries(server).size() == 2, "the change sent again after the timeout");

        List<ServeEvent> requests = deliveries(server);
        assertThat(requests.get(0).getRequest().getBodyAsString()).isEqualTo(requests.get(1).getRequest()
                .getBodyAsString());
        // What a FHIR server holds after applying both transactions: one resource per PUT target.
        Set<String> held = new HashSet<>();
        int puts = 0;
        for (ServeEvent request : requests) {
            for (Bundle.BundleEntryComponent entry : bundle(request.getRequest()).getEntry()) {
                assertThat(entry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
                held.add(entry.getRequest().getUrl());
                puts++;
            }
        }
        assertThat(puts).isEqualTo(4);
        assertThat(held).containsExactlyInAnyOrder("Task/" + referral, "Provenance/" + referral + "-1");
    }

    @Test
    void aRetryAfterFromThePartnerIsWaitedFor() {
        WireMockServer server = partnerServer();
        // Longer than careloop.fhir.delivery.max-backoff (0.3 s): the change waits in the dead-letter queue.
        failThenSucceed(server, 1, aResponse().withStatus(429).withHeader("Retry-After", "2"));
        String org = unique("org");
        registerPartner(org, server);

        change(unique("ref"), Set.of(org), "requested");
        await(Duration.ofSeconds(15), () -> deliveries(server).size() == 2, "the change sent again");

        List<ServeEvent> requests = deliveries(server);
        long waited = requests.get(1).getRequest().getLoggedDate().getTime()
                - requests.get(0).getRequest().getLoggedDate().getTime();
        assertThat(waited).as("ms between the 429 and the next try").isBetween(2000L, 4000L);
        assertThat(requests.get(1).getResponse().getStatus()).isEqualTo(200);
    }

    @Test
    void aShortRetryAfterIsWaitedForBeforeTheNextTry() {
        WireMockServer server = partnerServer();
        failThenSucceed(server, 1, aResponse().withStatus(503).withHeader("Retry-After", "0"));
        String org = unique("org");
        registerPartner(org, server);

        change(unique("ref"), Set.of(org), "requested");
        await(Duration.ofSeconds(15), () -> successes(server).size() == 1, "delivered on the next try");
        assertThat(deliveries(server)).hasSize(2);
    }

    @Test
    void onePartnerDownDoesNotHoldUpAnother() {
        WireMockServer down = partnerServer();
        down.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(503)));
        WireMockServer up = partnerServer();
        up.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        String org = unique("org");
        String downPartner = registerPartner(org, down);
        registerPartner(org, up);
        List<String> referrals = List.of(unique("ref"), unique("ref"), unique("ref"));

        for (String referral : referrals) {
            change(referral, Set.of(org), "requested");
            change(referral, Set.of(org), "accepted");
        }
        await(Duration.ofSeconds(15), () -> taskVersions(up).size() == 6, "the partner that is up has everything");

        for (String referral : referrals) {
            assertThat(taskVersions(up)).containsSubsequence("Task/" + referral + " v1", "Task/" + referral + " v2");
        }
        assertThat(successes(down)).isEmpty();
        await(Duration.ofSeconds(10), () -> asAdmin("GET", "/api/admin/partners/" + downPartner, null).json()
                .path("health").path("deadLettered").asLong() == 6, "every change waits for the partner that is down");
        var health = asAdmin("GET", "/api/admin/partners/" + downPartner, null).json().path("health");
        assertThat(health.path("backlog").asLong()).isGreaterThanOrEqualTo(6);
        assertThat(health.path("lastError").asString()).contains("503");
        assertThat(health.path("lastSuccessAt").isNull()).isTrue();
    }

    /** The partner answers {@code failures} requests with {@code failure}, then 200 from then on. */
    static void failThenSucceed(WireMockServer server,
                                int failures,
                                com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder failure) {
        String state = STARTED;
        for (int i = 1; i <= failures; i++) {
            String next = "failed-" + i;
            server.stubFor(any(anyUrl()).inScenario("flaky").whenScenarioStateIs(state)
                    .willReturn(failure).willSetStateTo(next));
            state = next;
        }
        server.stubFor(any(anyUrl()).inScenario("flaky").whenScenarioStateIs(state)
                .willReturn(aResponse().withStatus(200)));
    }
}

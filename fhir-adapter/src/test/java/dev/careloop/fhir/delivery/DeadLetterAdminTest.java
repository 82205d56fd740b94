package dev.careloop.fhir.delivery;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

/** An administrator sees what a partner did not take, and retries or drops it. */
class DeadLetterAdminTest extends DeliveryTesting {

    @Test
    void refusedChangesAreListedThenRetriedOrDroppedByAnAdministrator() {
        WireMockServer server = partnerServer();
        // 422: the partner refuses for good; no automatic retry would change its mind.
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(422).withBody("{\"issue\":\"unknown\"}")));
        String org = unique("org");
        String partner = registerPartner(org, server);
        String kept = unique("ref");
        String dropped = unique("ref");

        change(kept, Set.of(org), "requested");
        change(kept, Set.of(org), "accepted");
        change(dropped, Set.of(org), "requested");
        await(Duration.ofSeconds(15), () -> letters(partner).size() == 3, "all three changes dead-lettered");

        List<JsonNode> letters = letters(partner);
        JsonNode keptHead = letter(letters, kept, 1);
        assertThat(keptHead.path("sequence").asString()).isEqualTo(kept);
        assertThat(keptHead.path("cause").asString()).contains("HTTP 422");
        assertThat(keptHead.path("retryable").asBoolean()).isFalse();
        assertThat(letter(letters, kept, 2).path("position").asLong())
                .as("the accept waits behind the send").isGreaterThan(keptHead.path("position").asLong());
        assertThat(deliveries(server)).as("a refusal is not retried on its own").hasSize(2);

        // The partner fixes its side: the administrator retries the first referral, which goes in order.
        server.resetAll();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        var retried = asAdmin("POST", "/api/admin/partners/" + partner + "/dead-letters/"
                + keptHead.path("letterId").asString() + "/retry", null);
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.json().path("outcome").asString()).isEqualTo("delivered");
        assertThat(taskVersions(server)).containsExactly("Task/" + kept + " v1", "Task/" + kept + " v2");

        // ...and gives up on the other one: the partner never receives it.
        String droppedId = letter(letters(partner), dropped, 1).path("letterId").asString();
        assertThat(asAdmin("DELETE", "/api/admin/partners/" + partner + "/dead-letters/" + droppedId, null)
                .status()).isEqualTo(204);
        assertThat(letters(partner)).isEmpty();
        assertThat(asAdmin("DELETE", "/api/admin/partners/" + partner + "/dead-letters/" + droppedId, null)
                .status()).isEqualTo(404);
        assertThat(taskVersions(server)).doesNotContain("Task/" + dropped + " v1");
        assertThat(asAdmin("GET", "/api/admin/partners/" + partner, null).json().path("health")
                .path("deadLettered").asLong()).isZero();
    }

    @Test
    void retryingAnUnknownDeadLetterIsNotFound() {
        WireMockServer server = partnerServer();
        String partner = registerPartner(unique("org"), server);

        var answer = asAdmin("POST", "/api/admin/partners/" + partner + "/dead-letters/nope/retry", null);

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.contentType()).startsWith("application/problem+json");
    }

    private List<JsonNode> letters(String partner) {
        var answer = asAdmin("GET", "/api/admin/partners/" + partner + "/dead-letters", null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().valueStream().toList();
    }

    private static JsonNode letter(List<JsonNode> letters, String referral, long version) {
        return letters.stream().filter(l -> l.path("aggregateId").asString().equals(referral)
                        && l.path("aggregateVersion").asLong() == version)
                .findFirst().orElseThrow(() -> new AssertionError("no dead letter for " + referral + " v" + version));
    }
}

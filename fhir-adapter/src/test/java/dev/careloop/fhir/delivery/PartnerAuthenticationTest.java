package dev.careloop.fhir.delivery;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** OAuth2 client credentials against the partner's token endpoint: one token, reused until it expires. */
class PartnerAuthenticationTest extends DeliveryTesting {

    @Test
    void aTokenFromThePartnersTokenEndpointIsFetchedOnceAndSentWithEveryChange() {
        WireMockServer server = partnerServer();
        server.stubFor(post(urlEqualTo("/oauth/token")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"tok-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
        server.stubFor(any(urlPathEqualTo("/fhir")).withHeader("Authorization", equalTo("Bearer tok-1"))
                .willReturn(aResponse().withStatus(200)));
        server.stubFor(any(urlPathEqualTo("/fhir")).atPriority(10).willReturn(aResponse().withStatus(401)));
        String org = unique("org");
        registerPartner(org, server, List.of("Task"), Map.of("type", "oauth2",
                "tokenUrl", server.baseUrl() + "/oauth/token", "clientId", "careloop", "clientSecret", "s3cret",
                "scope", "system/Task.write"));
        String referral = unique("ref");

        change(referral, Set.of(org), "requested");
        change(referral, Set.of(org), "accepted");
        change(referral, Set.of(org), "in-progress");
        await(Duration.ofSeconds(15), () -> successes(server).size() == 3, "three changes delivered");

        assertThat(deliveries(server)).hasSize(3)
                .allSatisfy(e -> assertThat(e.getRequest().getHeader("Authorization")).isEqualTo("Bearer tok-1"));
        List<LoggedRequest> tokenRequests = server.findAll(postRequestedFor(urlEqualTo("/oauth/token")));
        assertThat(tokenRequests).hasSize(1);
        assertThat(tokenRequests.get(0).getHeader("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("careloop:s3cret".getBytes(StandardCharsets.UTF_8)));
        assertThat(tokenRequests.get(0).getBodyAsString())
                .isEqualTo("grant_type=client_credentials&scope=system%2FTask.write");
    }

    @Test
    void aTokenThePartnerNoLongerAcceptsIsReplaced() {
        WireMockServer server = partnerServer();
        server.stubFor(post(urlEqualTo("/oauth/token")).inScenario("tokens").whenScenarioStateIs("Started")
                .willReturn(aResponse().withStatus(200).withBody("{\"access_token\":\"revoked\",\"expires_in\":3600}"))
                .willSetStateTo("second"));
        server.stubFor(post(urlEqualTo("/oauth/token")).inScenario("tokens").whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(200).withBody("{\"access_token\":\"fresh\",\"expires_in\":3600}")));
        server.stubFor(any(urlPathEqualTo("/fhir")).withHeader("Authorization", equalTo("Bearer fresh"))
                .willReturn(aResponse().withStatus(200)));
        server.stubFor(any(urlPathEqualTo("/fhir")).atPriority(10).willReturn(aResponse().withStatus(401)));
        String org = unique("org");
        registerPartner(org, server, List.of("Task"), Map.of("type", "oauth2",
                "tokenUrl", server.baseUrl() + "/oauth/token", "clientId", "careloop", "clientSecret", "s3cret"));

        change(unique("ref"), Set.of(org), "requested");
        await(Duration.ofSeconds(15), () -> successes(server).size() == 1, "delivered with a fresh token");

        assertThat(server.findAll(postRequestedFor(urlEqualTo("/oauth/token")))).hasSize(2);
    }

}

package dev.careloop.fhir.delivery;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.careloop.fhir.partner.DeliveryMode;
import dev.careloop.fhir.partner.Partner;
import dev.careloop.fhir.partner.PartnerAuth;
import dev.careloop.fhir.partner.Partners;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Partner URLs as outside the local profile: https only, private networks refused, and here an allowlist (which
 * names a few private addresses, so that it is their address that refuses them).
 */
@TestPropertySource(properties = {
        "careloop.fhir.partners.allow-http=false",
        "careloop.fhir.partners.allow-private-networks=false",
        "careloop.fhir.partners.allowed-hosts=*.partner.example,127.0.0.1,10.0.0.1,169.254.169.254,::1"})
class PartnerUrlPolicyTest extends DeliveryTesting {

    @Autowired
    Partners registry;

    @Test
    void plainHttpIsRefusedNamingTheField() {
        assertRefused("http://ehr.partner.example/fhir", null, "baseUrl", "https");
    }

    @Test
    void loopbackIsRefused() {
        assertRefused("https://127.0.0.1:8443/fhir", null, "baseUrl", "not a public address");
    }

    @Test
    void privateNetworksAreRefused() {
        assertRefused("https://10.0.0.1/fhir", null, "baseUrl", "not a public address");
    }

    @Test
    void theCloudMetadataAddressIsRefused() {
        assertRefused("https://169.254.169.254/latest/meta-data", null, "baseUrl", "not a public address");
    }

    @Test
    void ipv6LoopbackIsRefused() {
        assertRefused("https://[::1]/fhir", null, "baseUrl", "not a public address");
    }

    @Test
    void aHostOutsideTheAllowlistIsRefused() {
        assertRefused("https://ehr.elsewhere.example/fhir", null, "baseUrl", "allowed-hosts");
    }

    @Test
    void theOAuth2TokenUrlIsHeldToTheSameRules() {
        Map<String, Object> auth = Map.of("type", "oauth2", "tokenUrl", "https://169.254.169.254/token",
                "clientId", "careloop", "clientSecret", "s3cret");

        assertRefused("https://10.0.0.1/fhir", auth, "auth.tokenUrl", "not a public address");
    }

    @Test
    void aPartnerWhoseAddressTurnedPrivateIsDeadLetteredNotCalled() {
        // Registered when its name still resolved to a public address; now it is this machine (DNS rebinding).
        WireMockServer server = partnerServer();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        String org = unique("org");
        Partner partner = new Partner(unique("p"), org, "https://127.0.0.1:" + server.port() + "/fhir",
                DeliveryMode.TRANSACTION, Set.of("Task"), PartnerAuth.none(), true, processors.head(),
                Instant.now());
        assertThat(registry.register(partner, "test")).isTrue();
        processors.start(partner);
        try {
            change(unique("ref"), Set.of(org), "requested");
            await(Duration.ofSeconds(15), () -> letters(partner.id()).size() == 1, "the change dead-lettered");

            JsonNode letter = letters(partner.id()).get(0);
            assertThat(letter.path("cause").asString()).startsWith("address refused").contains("not a public address");
            assertThat(letter.path("retryable").asBoolean()).isFalse();
            assertThat(server.getAllServeEvents()).isEmpty();
        } finally {
            asAdmin("POST", "/api/admin/partners/" + partner.id() + "/deactivate", null);
        }
    }

    private void assertRefused(String baseUrl, Map<String, Object> auth, String field, String why) {
        String id = unique("p");
        Map<String, Object> body = new HashMap<>(Map.of("id", id, "organisation", unique("org"), "baseUrl", baseUrl,
                "mode", "transaction", "resourceTypes", List.of("Task")));
        if (auth != null) {
            body.put("auth", auth);
        }

        Answer refused = asAdmin("POST", "/api/admin/partners", body);

        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().path("errors").valueStream()
                .filter(e -> e.path("field").asString().equals(field)).findFirst())
                .as(refused.body()).hasValueSatisfying(e -> assertThat(e.path("message").asString()).contains(why));
        assertThat(asAdmin("GET", "/api/admin/partners/" + id, null).status()).isEqualTo(404);
    }

    private List<JsonNode> letters(String partner) {
        Answer answer = asAdmin("GET", "/api/admin/partners/" + partner + "/dead-letters", null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().valueStream().toList();
    }
}

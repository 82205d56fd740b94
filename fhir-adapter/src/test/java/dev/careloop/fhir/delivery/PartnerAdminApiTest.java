package dev.careloop.fhir.delivery;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The partner registry over HTTP: only administrators, every bad field named, secrets never shown. */
class PartnerAdminApiTest extends DeliveryTesting {

    @Test
    void aRegisteredPartnerIsCreatedWithItsLocationAndShownWithoutItsSecret() {
        String id = unique("p");
        var registered = asAdmin("POST", "/api/admin/partners", Map.of("id", id, "organisation", "riverside-derm",
                "baseUrl", "https://ehr.riverside.example/fhir/", "mode", "transaction",
                "resourceTypes", List.of("Task", "ServiceRequest"),
                "auth", Map.of("type", "oauth2", "tokenUrl", "https://ehr.riverside.example/oauth/token",
                        "clientId", "careloop", "clientSecret", "s3cret", "scope", "system/*.write")));

        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        assertThat(registered.location()).isEqualTo("/api/admin/partners/" + id);
        var read = asAdmin("GET", registered.location(), null);
        assertThat(read.status()).isEqualTo(200);
        JsonNode partner = read.json();
        assertThat(partner.path("baseUrl").asString()).isEqualTo("https://ehr.riverside.example/fhir");
        assertThat(partner.path("mode").asString()).isEqualTo("transaction");
        assertThat(partner.path("resourceTypes").valueStream().map(JsonNode::asString))
                .containsExactly("ServiceRequest", "Task");
        assertThat(partner.path("auth").path("type").asString()).isEqualTo("oauth2");
        assertThat(partner.path("processingGroup").asString()).isEqualTo("fhir-partner-" + id);
        assertThat(partner.path("health").path("running").asBoolean()).isTrue();
        assertThat(partner.path("health").path("backlog").asLong()).isZero();
        assertThat(read.body()).doesNotContain("s3cret");
        assertThat(asAdmin("GET", "/api/admin/partners", null).body()).contains(id).doesNotContain("s3cret");

        var deactivated = asAdmin("POST", "/api/admin/partners/" + id + "/deactivate", null);
        assertThat(deactivated.status()).isEqualTo(200);
        assertThat(deactivated.json().path("active").asBoolean()).isFalse();
        assertThat(deactivated.json().path("health").path("running").asBoolean()).isFalse();
    }

    @Test
    void aRegistrationListsEachBadField() {
        var answer = asAdmin("POST", "/api/admin/partners", Map.of("id", "Not Valid", "baseUrl", "ftp://x",
                "mode", "push", "resourceTypes", List.of("Task", "Referral"),
                "auth", Map.of("type", "oauth2", "tokenUrl", "nope")));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().path("errors").valueStream().map(e -> e.path("field").asString()))
                .containsExactlyInAnyOrder("id", "organisation", "baseUrl", "mode", "resourceTypes[1]",
                        "auth.tokenUrl", "auth.clientId", "auth.clientSecret");
    }

    @Test
    void aSecondPartnerWithTheSameIdIsAConflict() {
        String id = unique("p");
        Map<String, Object> body = Map.of("id", id, "organisation", "northside-gp", "baseUrl",
                "http://localhost:1/fhir", "mode", "rest-hook", "resourceTypes", List.of("Task"));
        assertThat(asAdmin("POST", "/api/admin/partners", body).status()).isEqualTo(201);
        asAdmin("POST", "/api/admin/partners/" + id + "/deactivate", null);

        assertThat(asAdmin("POST", "/api/admin/partners", body).status()).isEqualTo(409);
    }

    @Test
    void onlyAdministratorsMayManagePartners() {
        Map<String, Object> body = Map.of("id", unique("p"), "organisation", "northside-gp", "baseUrl",
                "http://localhost:1/fhir", "mode", "transaction", "resourceTypes", List.of("Task"));

        var register = call("POST", "/api/admin/partners", body, "clinician,coordinator", "northside-gp");
        var list = call("GET", "/api/admin/partners", null, "compliance", "northside-gp");

        assertThat(register.status()).isEqualTo(403);
        assertThat(register.contentType()).startsWith("application/problem+json");
        assertThat(list.status()).isEqualTo(403);
    }

    @Test
    void anUnknownPartnerIsNotFound() {
        var answer = asAdmin("GET", "/api/admin/partners/no-such-partner", null);

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.contentType()).startsWith("application/problem+json");
    }
}

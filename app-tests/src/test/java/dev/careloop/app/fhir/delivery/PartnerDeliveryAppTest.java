package dev.careloop.app.fhir.delivery;

import ca.uhn.fhir.context.FhirContext;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.careloop.app.Await;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delivery in the whole application, with the real mapping: a referral sent and accepted over the REST API
 * reaches the receiving organisation's partner EHR (WireMock on localhost), registered by an administrator with
 * a real token, as valid transaction Bundles in version order. The fhir-adapter module's tests cover failures,
 * dead letters, OAuth2, rest-hook and load; this one proves the wiring and the security.
 */
@CareLoopIntegrationTest
class PartnerDeliveryAppTest {

    @LocalServerPort
    int port;

    private final WireMockServer partnerEhr = new WireMockServer(options().dynamicPort());

    @BeforeEach
    void partner() {
        partnerEhr.start();
        partnerEhr.stubFor(post("/fhir").willReturn(okJson("{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}")));
    }

    @AfterEach
    void stopPartner() {
        partnerEhr.stop();
    }

    @Test
    void aReferralSentToAnOrganisationReachesItsRegisteredPartnerEhrChangeByChange() {
        CareLoopClient admin = DemoClinics.at(port).admin();
        CareLoopClient gp = DemoClinics.at(port).gp();
        CareLoopClient derm = DemoClinics.at(port).derm();
        String partnerId = "riverside-" + UUID.randomUUID().toString().substring(0, 8);
        var registered = admin.post("/api/admin/partners", Map.of("id", partnerId, "organisation", "riverside-derm",
                "baseUrl", partnerEhr.baseUrl() + "/fhir", "mode", "transaction",
                "resourceTypes", List.of("ServiceRequest", "Task", "Provenance"),
                "auth", Map.of("type", "bearer", "token", "riverside-inbound-token")));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        assertThat(registered.header("Location")).isEqualTo("/api/admin/partners/" + partnerId);

        var sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-FHIR-" + partnerId));
        assertThat(sent.status()).isEqualTo(201);
        String referralId = sent.json().get("referralId").asString();
        String patientId = sent.json().get("patient").get("patientId").asString();
        assertThat(derm.post("/api/referrals/" + referralId + "/accept", null).status()).isEqualTo(200);

        List<LoggedRequest> received = awaitRequests(2);
        assertThat(received).allSatisfy(request -> {
            assertThat(request.getHeader("Authorization")).isEqualTo("Bearer riverside-inbound-token");
            assertThat(request.getHeader("Content-Type")).startsWith("application/fhir+json");
        });
        List<Bundle> bundles = received.stream().map(r -> R4ChangeProjector.fhirContext().newJsonParser()
                .parseResource(Bundle.class, r.getBodyAsString())).toList();
        assertThat(bundles.get(0).getEntry()).extracting(e -> e.getRequest().getMethod().toCode() + " "
                        + e.getRequest().getUrl())
                .containsExactlyInAnyOrder("PUT Organization/northside-gp", "PUT Organization/riverside-derm",
                        "PUT Patient/" + patientId,
                        "PUT ServiceRequest/" + referralId, "PUT Task/" + referralId,
                        "PUT Provenance/" + referralId + "-1");
        Task accepted = bundles.get(1).getEntry().stream().map(e -> e.getResource())
                .filter(Task.class::isInstance).map(Task.class::cast).findFirst().orElseThrow();
        assertThat(accepted.getMeta().getVersionId()).isEqualTo("2");
        assertThat(accepted.getStatus()).isEqualTo(Task.TaskStatus.ACCEPTED);
        assertThat(accepted.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("3.0");

        var health = admin.get("/api/admin/partners/" + partnerId).json().get("health");
        assertThat(health.get("lastSuccessAt").isNull()).isFalse();
        admin.post("/api/admin/partners/" + partnerId + "/deactivate", null);

        // Each delivery is a disclosure in the patient's accounting of disclosures.
        CareLoopClient officer = DemoClinics.at(port).client("northside-gp-compliance");
        Await.until(Duration.ofSeconds(10), () -> officer.get("/api/audit/disclosures?patient=" + patientId).body()
                .contains("partner-ehr"), "the deliveries in the accounting of disclosures");
        assertThat(officer.get("/api/audit/disclosures?patient=" + patientId).body())
                .contains("\"riverside-derm\"").contains("partner-ehr");
    }

    @Test
    void staffAndComplianceOfficersMayNotManagePartners() {
        CareLoopClient staff = DemoClinics.at(port).derm();
        CareLoopClient compliance = DemoClinics.at(port).client("riverside-derm-compliance");

        var register = staff.post("/api/admin/partners", Map.of("id", "sneaky", "organisation", "riverside-derm",
                "baseUrl", "http://localhost:1/fhir", "mode", "transaction", "resourceTypes", List.of("Task")));
        var list = compliance.get("/api/admin/partners");

        assertThat(register.status()).isEqualTo(403);
        assertThat(register.header("Content-Type")).startsWith("application/problem+json");
        assertThat(list.status()).isEqualTo(403);
    }

    @Test
    void aRegistrationWithBadFieldsNamesEachOfThem() {
        CareLoopClient admin = DemoClinics.at(port).admin();

        var bad = admin.post("/api/admin/partners", Map.of("baseUrl", "not a url", "mode", "transaction",
                "resourceTypes", List.of()));

        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("\"id\"").contains("\"organisation\"").contains("\"baseUrl\"")
                .contains("\"resourceTypes\"");
    }

    private List<LoggedRequest> awaitRequests(int count) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (partnerEhr.findAll(postRequestedFor(urlEqualTo("/fhir"))).size() < count
                && Instant.now().isBefore(deadline)) {
            sleep(100);
        }
        sleep(300);
        List<LoggedRequest> requests = partnerEhr.findAll(postRequestedFor(urlEqualTo("/fhir")));
        assertThat(requests).hasSize(count);
        return requests;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.careloop.fhir.delivery;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A transaction partner receives each change it may see as a transaction Bundle of PUTs to deterministic ids. */
class TransactionDeliveryTest extends DeliveryTesting {

    @Test
    void eachChangeArrivesAsATransactionOfPutsToDeterministicIdsWithThePartnersToken() {
        WireMockServer server = partnerServer();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        String org = unique("org");
        String partner = registerPartner(org, server, List.of("Task", "Provenance"),
                Map.of("type", "bearer", "token", "partner-secret-token"));
        String referral = unique("ref");

        change(referral, Set.of(org, "other-org"), "requested");
        change(referral, Set.of(org, "other-org"), "accepted");
        await(Duration.ofSeconds(15), () -> successes(server).size() == 2, "both changes delivered");

        List<ServeEvent> requests = deliveries(server);
        assertThat(requests).hasSize(2);
        for (int i = 0; i < 2; i++) {
            LoggedRequest request = requests.get(i).getRequest();
            String version = Integer.toString(i + 1);
            assertThat(request.getMethod().getName()).isEqualTo("POST");
            assertThat(request.getUrl()).isEqualTo("/fhir");
            assertThat(request.getHeader("Authorization")).isEqualTo("Bearer partner-secret-token");
            assertThat(request.getHeader("Content-Type")).startsWith("application/fhir+json");
            assertThat(request.containsHeader("Upgrade")).as("HTTP/1.1: no h2c upgrade").isFalse();
            Bundle bundle = bundle(request);
            assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
            assertThat(bundle.getEntry()).extracting(e -> e.getRequest().getMethod().toCode() + " "
                    + e.getRequest().getUrl()).containsExactly("PUT Task/" + referral,
                    "PUT Provenance/" + referral + "-" + version);
            assertThat(bundle.getEntry()).extracting(Bundle.BundleEntryComponent::getFullUrl).containsExactly(
                    server.baseUrl() + "/fhir/Task/" + referral,
                    server.baseUrl() + "/fhir/Provenance/" + referral + "-" + version);
            assertThat(bundle.getEntry().get(0).getResource().getMeta().getVersionId()).isEqualTo(version);
            assertThat(((Provenance) bundle.getEntry().get(1).getResource()).getTargetFirstRep().getReference())
                    .as("the partner numbers its own versions").isEqualTo("Task/" + referral);
        }
        // Health is written once the delivery's unit of work is over, a moment after the partner answered.
        await(Duration.ofSeconds(5), () -> !asAdmin("GET", "/api/admin/partners/" + partner, null).json()
                .path("health").path("lastSuccessAt").isNull(), "the partner's last success recorded");
    }

    @Test
    void changesTheOrganisationMayNotSeeOrOfOtherResourceTypesAreNotSent() {
        WireMockServer server = partnerServer();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        String org = unique("org");
        registerPartner(org, server, List.of("Task"), null);
        String notOurs = unique("ref");
        String ours = unique("ref");

        change(notOurs, Set.of("someone-else"), "requested");
        change(ours, Set.of(org), "requested");
        await(Duration.ofSeconds(15), () -> successes(server).size() == 1, "the visible change delivered");
        sleep(500);

        assertThat(deliveries(server)).hasSize(1);
        Bundle bundle = bundle(deliveries(server).get(0).getRequest());
        assertThat(bundle.getEntry()).extracting(e -> e.getRequest().getUrl()).containsExactly("Task/" + ours);
    }

    @Test
    void aNewPartnerReceivesWhatChangesAfterItsRegistrationAndNoHistory() {
        WireMockServer server = partnerServer();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        String org = unique("org");
        String referral = unique("ref");
        change(referral, Set.of(org), "requested");

        registerPartner(org, server);
        change(referral, Set.of(org), "accepted");
        await(Duration.ofSeconds(15), () -> successes(server).size() == 1, "the later change delivered");
        sleep(500);

        assertThat(taskVersions(server)).containsExactly("Task/" + referral + " v2");
    }

    @Test
    void deliveryCannotBeReplayed() {
        WireMockServer server = partnerServer();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        String partner = registerPartner(unique("org"), server);
        TrackingEventProcessor processor = processors.delivery(partner).orElseThrow().processor();

        assertThat(processor.supportsReset()).isFalse();
        processor.shutDown();
        try {
            assertThatThrownBy(processor::resetTokens).isInstanceOf(IllegalStateException.class);
        } finally {
            processor.start();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

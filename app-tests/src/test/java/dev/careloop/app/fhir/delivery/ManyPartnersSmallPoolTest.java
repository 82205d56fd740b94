package dev.careloop.app.fhir.delivery;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.careloop.app.Await;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * More partner delivery threads than pooled connections: each delivery holds one connection for its batch and
 * never waits for a second, so every partner gets every change and the API keeps answering.
 */
@CareLoopIntegrationTest
@TestPropertySource(properties = {"spring.datasource.hikari.maximum-pool-size=8"})
// Its own context, used by no other class: closed after it, so its processors and pollers stop.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ManyPartnersSmallPoolTest {

    private static final int PARTNERS = 8;
    private static final int REFERRALS = 3;

    @LocalServerPort
    int port;

    private final WireMockServer partnerEhrs = new WireMockServer(options().dynamicPort());

    @BeforeEach
    void partners() {
        partnerEhrs.start();
        partnerEhrs.stubFor(post(urlPathMatching("/p\\d+/fhir"))
                .willReturn(okJson("{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}")));
    }

    @AfterEach
    void stopPartners() {
        partnerEhrs.stop();
    }

    @Test
    void everyPartnerGetsEveryChangeWhenPartnersOutnumberTheConnections() {
        CareLoopClient admin = DemoClinics.at(port).admin();
        CareLoopClient gp = DemoClinics.at(port).gp();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < PARTNERS; i++) {
            String id = "many-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
            var registered = admin.post("/api/admin/partners", Map.of("id", id, "organisation", "riverside-derm",
                    "baseUrl", partnerEhrs.baseUrl() + "/p" + i + "/fhir", "mode", "transaction",
                    "resourceTypes", List.of("ServiceRequest", "Task")));
            assertThat(registered.status()).as(registered.body()).isEqualTo(201);
            ids.add(id);
        }
        for (int r = 0; r < REFERRALS; r++) {
            var sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm",
                    "MANY-" + UUID.randomUUID().toString().substring(0, 8)));
            assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        }

        Await.until(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < PARTNERS; i++) {
                if (partnerEhrs.findAll(postRequestedFor(urlEqualTo("/p" + i + "/fhir"))).size() < REFERRALS) {
                    return false;
                }
            }
            return true;
        }, "every partner received every referral");
        for (int i = 0; i < PARTNERS; i++) {
            assertThat(partnerEhrs.findAll(postRequestedFor(urlEqualTo("/p" + i + "/fhir")))).hasSize(REFERRALS);
        }
        var answered = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MANY-AFTER"));
        assertThat(answered.status()).as(answered.body()).isEqualTo(201);
        for (String id : ids) {
            admin.post("/api/admin/partners/" + id + "/deactivate", null);
        }
    }
}

package dev.careloop.app.demo;

import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The local profile's demo as a newcomer meets it: deadlines by priority, and an overdue referral to filter. */
@CareLoopIntegrationTest
@TestPropertySource(properties = {"careloop.demo-data=true", "careloop.sla.urgent=P2D"})
// Its own context, used by no other class: closed after it, so its processors and pollers stop.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DemoDataTest {

    @LocalServerPort
    int port;

    @Test
    void theOverdueFilterShowsTheDemosOverdueReferral() {
        CareLoopClient derm = DemoClinics.at(port).derm();
        String overdue = id("demo-6");

        List<JsonNode> items = awaitItems(derm, "/api/referrals?box=inbox&overdue=true", overdue);

        JsonNode referral = items.stream().filter(r -> r.get("referralId").asString().equals(overdue)).findFirst()
                .orElseThrow();
        assertThat(referral.get("priority").asString()).isEqualTo("urgent");
        assertThat(referral.get("status").asString()).isEqualTo("created");
        assertThat(Instant.parse(referral.get("slaDueAt").asString())).isBefore(Instant.now());
        assertThat(derm.get("/api/referrals?box=inbox&overdue=false").body()).doesNotContain(overdue);
    }

    @Test
    void eachDemoReferralIsDueAsItsPrioritySays() {
        CareLoopClient gp = DemoClinics.at(port).gp();
        awaitItems(gp, "/api/referrals?box=outbox&size=50", id("demo-5"));

        assertThat(triageTime(gp, "demo-1")).as("routine").isEqualTo(Duration.ofDays(14));
        assertThat(triageTime(gp, "demo-2")).as("urgent, as configured").isEqualTo(Duration.ofDays(2));
        assertThat(triageTime(gp, "demo-5")).as("asap").isEqualTo(Duration.ofDays(1));
    }

    @Test
    void theDemoShowsTheConsultReportAndTheDeclineReason() {
        CareLoopClient gp = DemoClinics.at(port).gp();
        awaitItems(gp, "/api/referrals?box=outbox&size=50", id("demo-5"));

        assertThat(gp.get("/api/referrals/" + id("demo-4")).json().get("consultReport").asString())
                .isEqualTo("Holter monitor normal; no treatment needed.");
        assertThat(gp.get("/api/referrals/" + id("demo-5")).json().get("declineReason").asString())
                .isEqualTo("Please manage in primary care; antivirals within 72h");
    }

    /** From sending to the triage deadline, to the hour (the view's createdAt is the event's, a moment later). */
    private static Duration triageTime(CareLoopClient client, String key) {
        JsonNode view = client.get("/api/referrals/" + id(key)).json();
        return Duration.between(Instant.parse(view.get("createdAt").asString()),
                Instant.parse(view.get("slaDueAt").asString())).plusMinutes(1).truncatedTo(ChronoUnit.HOURS);
    }

    private static List<JsonNode> awaitItems(CareLoopClient client, String path, String referralId) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            CareLoopClient.Response page = client.get(path);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            List<JsonNode> items = new ArrayList<>();
            page.json().get("items").forEach(items::add);
            if (items.stream().anyMatch(r -> r.get("referralId").asString().equals(referralId))) {
                return items;
            }
            assertThat(Instant.now()).as(path + " never listed " + referralId + ": " + page.body()).isBefore(deadline);
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static String id(String key) {
        return UUID.nameUUIDFromBytes(key.getBytes()).toString();
    }
}

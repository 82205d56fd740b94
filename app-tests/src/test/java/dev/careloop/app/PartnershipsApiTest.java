package dev.careloop.app;

import dev.careloop.app.CareLoopClient.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static dev.careloop.app.DemoClinics.CARDIO;
import static dev.careloop.app.DemoClinics.DERM;
import static dev.careloop.app.DemoClinics.GP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Partnership analytics over HTTP (issue 20), on a scripted set of referrals between the demo organisations: what
 * the script adds to each side's figures, the month and CSV views, open loops, and that a pair the caller is not
 * part of is a 404. One shared database: the test compares the figures before and after its own referrals.
 */
@CareLoopIntegrationTest
class PartnershipsApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private CareLoopClient gp;
    private CareLoopClient derm;
    private CareLoopClient cardio;

    @BeforeEach
    void clients() {
        gp = CareLoopClient.as(port, "northside-gp-staff");
        derm = CareLoopClient.as(port, "riverside-derm-staff");
        cardio = CareLoopClient.as(port, "lakeside-cardio-staff");
    }

    @Test
    void aScriptedExchangeAddsToBothSidesFiguresEachWay() {
        JsonNode gpBefore = partnership(gp, DERM);
        JsonNode dermBefore = partnership(derm, GP);

        // GP -> DERM: one closed loop, one declined, one left open; DERM -> GP: one sent back the other way.
        String closed = send(gp, DERM);
        write(derm, closed, "accept", null);
        write(derm, closed, "outcome", Map.of("report", "Benign naevus"));
        write(gp, closed, "acknowledge-outcome", null);
        String declined = send(gp, DERM);
        write(derm, declined, "decline", Map.of("reason", "Not our service"));
        send(gp, DERM);
        send(derm, GP);

        JsonNode gpAfter = partnership(gp, DERM);
        assertThat(delta(gpBefore, gpAfter, "sent")).isEqualTo(3);
        assertThat(delta(gpBefore, gpAfter, "received")).isEqualTo(1);
        assertThat(delta(gpBefore, gpAfter, "balance")).isEqualTo(2);
        assertThat(delta(gpBefore.path("outgoing"), gpAfter.get("outgoing"), "accepted")).isEqualTo(1);
        assertThat(delta(gpBefore.path("outgoing"), gpAfter.get("outgoing"), "declined")).isEqualTo(1);
        assertThat(delta(gpBefore.path("outgoing"), gpAfter.get("outgoing"), "acknowledged")).isEqualTo(1);
        assertThat(delta(gpBefore.path("outgoing"), gpAfter.get("outgoing"), "loopsClosed")).isEqualTo(1);
        assertThat(gpAfter.get("outgoing").get("turnarounds").get("sentToAcknowledged").get("count").asLong())
                .isPositive();
        JsonNode dermAfter = partnership(derm, GP);
        assertThat(delta(dermBefore, dermAfter, "sent")).isEqualTo(1);
        assertThat(delta(dermBefore, dermAfter, "received")).isEqualTo(3);
        assertThat(gpAfter.get("sent").asInt()).isEqualTo(dermAfter.get("received").asInt());
        // No referral text reaches the analytics tables.
        assertThat(jdbc.queryForObject("SELECT count(*) FROM analytics_referral r WHERE r::text LIKE '%Benign%'"
                + " OR r::text LIKE '%Not our service%'", Integer.class)).isZero();
    }

    @Test
    void thePartnershipByMonthAndServiceAndAsCsvForThisMonth() {
        send(gp, CARDIO);
        String month = YearMonth.now(ZoneOffset.UTC).toString();

        Response detail = gp.get("/api/partnerships/" + CARDIO + "?from=" + month + "&to=" + month,
                h -> h.set("CareLoop-Position", Long.toString(position)));

        assertThat(detail.status()).as(detail.body()).isEqualTo(200);
        assertThat(detail.json().get("partner").asString()).isEqualTo(CARDIO);
        assertThat(detail.json().get("months").get(0).get("month").asString()).isEqualTo(month);
        assertThat(detail.json().get("services").get(0).get("measures").get("referrals").asInt()).isPositive();
        Response csv = gp.get("/api/partnerships/" + CARDIO + "?from=" + month + "&to=" + month,
                h -> h.set(HttpHeaders.ACCEPT, "text/csv"));
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header(HttpHeaders.CONTENT_TYPE)).startsWith("text/csv");
        assertThat(csv.header(HttpHeaders.CONTENT_DISPOSITION)).contains("partnership-lakeside-cardio-");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines[0]).startsWith("month,direction,partner,service,priority,referrals,");
        assertThat(lines[1]).startsWith(month + ",outgoing,\"" + CARDIO + "\",");
    }

    @Test
    void freshReferralsAreNoOpenLoopsYetAndAreListedOnceTheTargetIsPassed() {
        String id = send(gp, CARDIO);
        // The answer waited for the referrals projection, not for analytics: age the row once it is there.
        ProjectionFailureTest.awaitTrue(java.time.Duration.ofSeconds(10), () -> jdbc.update(
                "UPDATE analytics_referral SET sent_at = sent_at - interval '40 days' WHERE referral_id = ?", id) == 1,
                "the analytics row of " + id);

        JsonNode loops = gp.get("/api/partnerships/" + CARDIO + "/open-loops?targetDays=30&size=100").json();

        assertThat(loops.get("items").valueStream().map(i -> i.get("referralId").asString()).toList()).contains(id);
        JsonNode mine = loops.get("items").valueStream().filter(i -> i.get("referralId").asString().equals(id))
                .findFirst().orElseThrow();
        assertThat(mine.get("stage").asString()).isEqualTo("awaiting triage");
        assertThat(mine.get("direction").asString()).isEqualTo("outgoing");
        assertThat(mine.get("referral").asString()).isEqualTo("/api/referrals/" + id);
        assertThat(gp.get(mine.get("referral").asString()).status()).isEqualTo(200);
    }

    @Test
    void aPairTheCallerIsNotPartOfIsA404AndBadParametersA400() {
        send(gp, DERM);

        for (String path : List.of("/api/partnerships/no-such-organisation", "/api/partnerships/" + GP,
                "/api/partnerships/no-such-organisation/open-loops")) {
            Response refused = gp.get(path);
            assertThat(refused.status()).as(path).isEqualTo(404);
            assertThat(refused.header(HttpHeaders.CONTENT_TYPE)).as(path).startsWith("application/problem+json");
        }
        assertThat(gp.get("/api/partnerships").json().get("partnerships").valueStream()
                .map(p -> p.get("partner").asString()).toList()).doesNotContain(GP);
        assertThat(gp.get("/api/partnerships?from=2026-13").status()).isEqualTo(400);
        assertThat(gp.get("/api/partnerships?from=2026-12&to=2026-01").status()).isEqualTo(400);
        assertThat(gp.get("/api/partnerships?targetDays=0").status()).isEqualTo(400);
        assertThat(cardio.get("/api/partnerships").status()).isEqualTo(200);
    }

    /**
     * The figures once every read model has the test's writes (CareLoop-Position of the latest): the analytics
     * projection gathers its batches, so a write's answer, which waits for the referral view, may come before it.
     */
    private JsonNode partnership(CareLoopClient client, String partner) {
        Response overview = client.get("/api/partnerships", h -> {
            if (position > 0) {
                h.set("CareLoop-Position", Long.toString(position));
            }
        });
        assertThat(overview.status()).as(overview.body()).isEqualTo(200);
        return overview.json().get("partnerships").valueStream()
                .filter(p -> p.get("partner").asString().equals(partner)).findFirst()
                .orElse(tools.jackson.databind.node.JsonNodeFactory.instance.objectNode());
    }

    private static int delta(JsonNode before, JsonNode after, String field) {
        return after.path(field).asInt(0) - before.path(field).asInt(0);
    }

    private String send(CareLoopClient from, String to) {
        Map<String, Object> body = new java.util.HashMap<>(CareLoopClient.referralTo(to, DemoClinics.mrn("PA")));
        // Each organisation names patients in an identifier system it owns.
        String owner = from == derm ? DERM : from == cardio ? CARDIO : GP;
        body.put("patient", Map.of("identifierSystem", "https://" + owner + ".example/mrn",
                "identifierValue", DemoClinics.mrn("PA"), "name", "Alex Morgan", "birthDate", "1980-04-02"));
        Response sent = from.post("/api/referrals", body);
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        wrote(sent);
        return sent.json().get("referralId").asString();
    }

    private void write(CareLoopClient client, String id, String action, Object body) {
        Response written = client.post("/api/referrals/" + id + "/" + action, body);
        assertThat(written.status()).as(action + ": " + written.body()).isEqualTo(200);
        wrote(written);
    }

    /** The log position of the latest write. */
    private long position;

    private void wrote(Response written) {
        String at = written.header("CareLoop-Position");
        if (at != null) {
            position = Math.max(position, Long.parseLong(at));
        }
    }
}

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

    private final AgedAnalytics aged = new AgedAnalytics();

    @org.junit.jupiter.api.AfterEach
    void unage() {
        aged.restore(jdbc);
    }

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
        ProjectionFailureTest.awaitTrue(java.time.Duration.ofSeconds(10), () -> aged.age(jdbc, id),
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

    @Test
    void aGoalIsSetMeasuredSeenByThePartnerAuditedAndWithdrawnOnlyByTheOrganisationThatSetIt() {
        send(gp, DERM);
        String goals = "/api/partnerships/" + DERM + "/goals";

        Response set = gp.post(goals, Map.of("measure", "slaMetRate", "target", 0.9, "priority", "urgent",
                "direction", "outgoing", "reason", "Agreed at the quarterly review"));

        assertThat(set.status()).as(set.body()).isEqualTo(201);
        String goalId = set.json().get("goalId").asString();
        assertThat(set.header(HttpHeaders.LOCATION)).endsWith(goals + "/" + goalId);
        assertThat(set.json().get("setByOrganisation").asString()).isEqualTo(GP);
        assertThat(set.json().get("comparison").asString()).isEqualTo("atLeast");
        assertThat(set.json().get("status").asString()).isEqualTo("active");
        // The partner sees the same goal the other way round; a third organisation does not see it at all.
        JsonNode seen = derm.get("/api/partnerships/" + GP + "/goals/" + goalId).json();
        assertThat(seen.get("partner").asString()).isEqualTo(GP);
        assertThat(seen.get("direction").asString()).isEqualTo("incoming");
        assertThat(cardio.get("/api/partnerships/" + GP + "/goals/" + goalId).status()).isEqualTo(404);
        assertThat(cardio.get("/api/partnerships/" + DERM + "/goals/" + goalId).status()).isEqualTo(404);
        // The partnership's detail measures it for each of the 12 months shown.
        JsonNode measured = gp.get("/api/partnerships/" + DERM).json().get("goals").valueStream()
                .filter(g -> g.get("goal").get("goalId").asString().equals(goalId)).findFirst().orElseThrow();
        assertThat(measured.get("periods").size()).isEqualTo(12);
        assertThat(measured.has("missedPeriods")).isTrue();
        // Only the organisation that set it withdraws it.
        Response refused = derm.delete("/api/partnerships/" + GP + "/goals/" + goalId, Map.of("reason", "No"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        Response withdrawn = gp.delete(goals + "/" + goalId, Map.of("reason", "Replaced by a stricter goal"));
        assertThat(withdrawn.status()).as(withdrawn.body()).isEqualTo(200);
        assertThat(withdrawn.json().get("status").asString()).isEqualTo("withdrawn");
        assertThat(withdrawn.json().get("withdrawReason").asString()).isEqualTo("Replaced by a stricter goal");
        assertThat(gp.get(goals).json().valueStream().map(g -> g.get("goalId").asString()).toList())
                .contains(goalId);
        // Both changes are in the audit trail of the partner's compliance officer too.
        CareLoopClient officer = DemoClinics.at(port).compliance(DERM);
        ProjectionFailureTest.awaitTrue(java.time.Duration.ofSeconds(10), () -> officer
                        .get("/api/audit?type=PartnershipGoalSet,PartnershipGoalWithdrawn&size=500").json()
                        .get("items").valueStream().filter(i -> i.get("aggregateId").asString().equals(goalId))
                        .count() == 2,
                "the goal's two audit entries");
        // No processor (partner deliveries included: a goal has no FHIR form) dead-lettered the goal's events.
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dead_letter_entry WHERE sequence_identifier = ?",
                Integer.class, goalId)).isZero();
    }

    @Test
    void aPartnershipWithAnOrganisationWhoseIdHasADotIsAMeasureReportUnderADigestedIdItsOrganisationsRead() {
        // Organisation ids may hold dots: "northside-gp.st-marys.clinic.2026-12" would not say which dot splits them.
        String dotted = "st-marys.clinic";
        jdbc.update("INSERT INTO organisation (id, name) VALUES (?, 'St Mary''s Clinic') ON CONFLICT DO NOTHING",
                dotted);
        send(gp, dotted);
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        java.util.concurrent.atomic.AtomicReference<String> id = new java.util.concurrent.atomic.AtomicReference<>();
        ProjectionFailureTest.awaitTrue(java.time.Duration.ofSeconds(10), () -> {
            gp.get("/fhir/MeasureReport?period=" + month).json().get("entry").valueStream()
                    .map(e -> e.get("resource"))
                    .filter(r -> r.get("extension").valueStream().anyMatch(x -> x.get("valueReference")
                            .get("reference").asString().equals("Organization/" + dotted)))
                    .findFirst().ifPresent(r -> id.set(r.get("id").asString()));
            return id.get() != null;
        }, "the report of the partnership with " + dotted);

        assertThat(id.get()).matches("p-[0-9a-f]{40}\\." + month).hasSizeLessThanOrEqualTo(64);
        JsonNode report = gp.get("/fhir/MeasureReport/" + id.get()).json();
        assertThat(report.get("id").asString()).isEqualTo(id.get());
        assertThat(report.get("extension").valueStream().map(x -> x.get("valueReference").get("reference")
                .asString()).toList()).containsExactly("Organization/" + GP, "Organization/" + dotted);
        assertThat(cardio.get("/fhir/MeasureReport/" + id.get()).status()).isEqualTo(404);
        assertThat(gp.get("/fhir/MeasureReport/" + GP + "." + dotted + "." + month).status()).isEqualTo(404);
    }

    @Test
    void aPartnershipsMonthIsAMeasureReportOnFhirReadOnlyByItsTwoOrganisations() {
        send(gp, DERM);
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        String path = "/fhir/MeasureReport/" + GP + "." + DERM + "." + month;
        ProjectionFailureTest.awaitTrue(java.time.Duration.ofSeconds(10), () -> gp.get(path).status() == 200,
                "the partnership's report of " + month);

        JsonNode report = gp.get(path).json();

        assertThat(report.get("resourceType").asString()).isEqualTo("MeasureReport");
        assertThat(report.get("measure").asString()).isEqualTo("https://careloop.dev/fhir/Measure/partnership");
        assertThat(report.get("group").valueStream().map(g -> g.get("code").get("coding").get(0).get("code")
                .asString()).toList()).contains("slaMetRate", "loopClosureRate", "sentToAccepted.medianHours");
        assertThat(derm.get(path).status()).isEqualTo(200);
        assertThat(cardio.get(path).status()).isEqualTo(404);
        assertThat(gp.get("/fhir/MeasureReport?period=" + month).json().get("entry").valueStream()
                .map(e -> e.get("resource").get("id").asString()).toList()).contains(GP + "." + DERM + "." + month);
        assertThat(cardio.get("/fhir/MeasureReport?period=" + month).body()).doesNotContain(GP + "." + DERM);
        assertThat(gp.get("/fhir/Measure/slaMetRate").json().get("improvementNotation").get("coding").get(0)
                .get("code").asString()).isEqualTo("increase");
    }

    @Test
    void aGoalIsRefusedWithEveryFieldInErrorAndAnUnknownPartnerIsA404() {
        String goals = "/api/partnerships/" + DERM + "/goals";

        Response shape = gp.post(goals, Map.of("target", 0.9));
        assertThat(shape.status()).as(shape.body()).isEqualTo(400);
        assertThat(shape.json().get("errors").valueStream().map(e -> e.get("field").asString()).toList())
                .contains("measure", "reason");
        Response measure = gp.post(goals, Map.of("measure", "happiness", "target", 0.9, "reason", "x"));
        assertThat(measure.status()).as(measure.body()).isEqualTo(400);
        assertThat(measure.json().get("errors").get(0).get("field").asString()).isEqualTo("measure");
        Response target = gp.post(goals, Map.of("measure", "slaMetRate", "target", 90, "reason", "x"));
        assertThat(target.json().get("errors").get(0).get("field").asString()).isEqualTo("target");
        Response unknown = gp.post("/api/partnerships/no-such-organisation/goals",
                Map.of("measure", "slaMetRate", "target", 0.9, "reason", "x"));
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
        assertThat(gp.post("/api/partnerships/" + GP + "/goals",
                Map.of("measure", "slaMetRate", "target", 0.9, "reason", "x")).status()).isEqualTo(404);
    }

    @Test
    void aDeclineAndAForwardAreCountedByTheirReasonCategory() {
        JsonNode before = partnership(gp, DERM).path("outgoing").path("declinedByCategory");
        String declined = send(gp, DERM);
        write(derm, declined, "decline", Map.of("reason", "Full until March", "category", "capacity"));

        ProjectionFailureTest.awaitTrue(java.time.Duration.ofSeconds(10), () -> partnership(gp, DERM)
                        .path("outgoing").path("declinedByCategory").path("capacity").asInt(0)
                        == before.path("capacity").asInt(0) + 1, "the decline counted under capacity");
        Response refused = derm.post("/api/referrals/" + send(gp, DERM) + "/decline",
                Map.of("reason", "Busy", "category", "too-busy"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("category");
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

package dev.careloop.app.hardening;

import dev.careloop.api.Actor;
import dev.careloop.api.InputRules;
import dev.careloop.api.record.RecordAccessDenied;
import dev.careloop.api.referral.RequestInformation;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import dev.careloop.app.hardening.Http.Answer;
import dev.careloop.command.web.Commands;
import org.axonframework.eventhandling.gateway.EventGateway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The limits and rules at the edge one at a time: what a careless or hostile client is told, and that it is told. */
@CareLoopIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Commands commands;
    @Autowired
    EventGateway events;

    private Http http;
    private String gp;
    private String derm;
    private String compliance;
    private String referral;

    @BeforeAll
    void clients() {
        http = new Http(port);
        gp = DemoClinics.at(port).gp().token();
        derm = DemoClinics.at(port).derm().token();
        compliance = DemoClinics.at(port).client("northside-gp-compliance").token();
        CareLoopClient.Response sent = DemoClinics.at(port).gp()
                .post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "EDGE-" + UUID.randomUUID()));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        referral = sent.json().get("referralId").asString();
        assertThat(http.send("POST", "/api/referrals/" + referral + "/accept", derm, null, null, Map.of()).status())
                .isEqualTo(200);
    }

    @Test
    void aNulInAQueryFilterIsA400NamingTheParameter() {
        Answer answer = get("/api/referrals?patient=a%00b", gp);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.isProblem()).isTrue();
        assertError(answer, "patient", "contains a control character (U+0000)");
    }

    @Test
    void aPatientFilterLongerThanAnIdentifierSystemAndValueIsRefused() {
        Answer answer = get("/api/audit?patient=" + "a".repeat(385), compliance);
        assertThat(answer.status()).isEqualTo(400);
        assertError(answer, "patient", "is longer than 384 characters (an identifier system and a value as "
                + "system|value at most)");
    }

    @Test
    void anInstantFilterOutsideFourDigitYearsIsA400NamingTheParameter() {
        Answer answer = get("/api/audit?from=-999999999-01-01T00:00:00Z", compliance);
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.isProblem()).isTrue();
        assertThat(json(answer).get("errors").get(0).get("field").asString()).isEqualTo("from");
    }

    @Test
    void clinicalTextWithANulIsRefusedByTheCommandBusAndNothingIsWritten() {
        long before = head();
        Answer answer = http.send("POST", "/api/referrals/" + referral + "/request-information", derm,
                "application/json", "{\"question\":\"Any biopsies?\\u0000\"}".getBytes(StandardCharsets.UTF_8),
                Map.of());
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertError(answer, "question", "contains a control character (U+0000)");
        assertThat(head()).isEqualTo(before);
    }

    @Test
    void lineBreaksInClinicalTextAreWelcome() {
        Answer answer = http.send("POST", "/api/referrals/" + referral + "/request-information", derm,
                "application/json", "{\"question\":\"Any biopsies?\\nWhen?\\tWhere?\"}".getBytes(StandardCharsets.UTF_8),
                Map.of());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    @Test
    void aRecordReadWithAHugeIdIsRefusedBeforeAnythingIsAppended() {
        long before = head();
        Answer answer = get("/api/records/" + "x".repeat(7_000) + "/content", derm);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.isProblem()).isTrue();
        assertThat(head()).as("no RecordAccessDenied for an id that is not an id").isEqualTo(before);
    }

    @Test
    void aJsonBodyOverTheLimitIsA413BeforeItIsRead() {
        Answer answer = http.send("POST", "/api/referrals/" + referral + "/decline", derm, "application/json",
                ("{\"reason\":\"" + "x".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.isProblem()).isTrue();
    }

    @Test
    void aChunkedBodyOverTheLimitIsCutOffWithA413() {
        long before = head();
        // Many short strings: no single JSON limit trips before the byte count does.
        byte[] body = ("{\"reason\":\"r\",\"extra\":[" + "\"abcd\",".repeat(160_000) + "\"e\"]}")
                .getBytes(StandardCharsets.UTF_8);
        Answer answer = http.sendChunked("POST", "/api/referrals/" + referral + "/decline", derm, "application/json",
                new ByteArrayInputStream(body));
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.isProblem()).isTrue();
        assertThat(head()).isEqualTo(before);
    }

    @Test
    void aFhirBodyOverItsLimitIsA413OperationOutcome() {
        String ehr = DemoClinics.at(port).client("northside-ehr").token();
        byte[] body = ("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"id\":\"" + "x".repeat(5_300_000)
                + "\"}").getBytes(StandardCharsets.UTF_8);
        Answer declared = http.send("POST", "/fhir", ehr, "application/fhir+json", body, Map.of());
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.isOperationOutcome()).as(declared.body()).isTrue();
        Answer chunked = http.sendChunked("POST", "/fhir", ehr, "application/fhir+json", new ByteArrayInputStream(body));
        assertThat(chunked.status()).isEqualTo(413);
        assertThat(chunked.isOperationOutcome()).as(chunked.body()).isTrue();
    }

    @Test
    void deepNestingIsRefusedSayingSo() {
        Answer answer = http.send("POST", "/api/referrals/" + referral + "/decline", derm, "application/json",
                // In a property the operation does not take, so only the parser's depth limit can stop it.
                ("{\"reason\":\"r\",\"extra\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}")
                        .getBytes(StandardCharsets.UTF_8),
                Map.of());
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.isProblem()).isTrue();
        assertThat(json(answer).get("detail").asString()).contains("nesting depth").contains("64");
    }

    @Test
    void anInstantWithoutAZoneIsRefusedNamingTheFieldAndTheForm() {
        Answer answer = http.send("POST", "/api/referrals/" + referral + "/schedule", derm, "application/json",
                "{\"start\":\"2031-12-10T09:00:00\",\"location\":\"Room 1\"}".getBytes(StandardCharsets.UTF_8),
                Map.of());
        assertThat(answer.status()).isEqualTo(400);
        JsonNode error = json(answer).get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo("start");
        assertThat(error.get("message").asString()).contains("ISO-8601 instant with a zone").contains("Z");
    }

    @Test
    void aBirthDateInTheWrongFormIsRefusedNamingTheField() {
        Answer answer = http.send("POST", "/api/referrals", gp, "application/json", """
                {"recipientOrganisation":"riverside-derm","priority":"routine","service":"Dermatology",\
                "reason":"Lesion","patient":{"identifierSystem":"https://northside-gp.example/mrn",\
                "identifierValue":"M-2","name":"Alex Morgan","birthDate":"02/01/1975"}}"""
                .getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(answer.status()).isEqualTo(400);
        assertError(answer, "patient.birthDate", "must be a date as YYYY-MM-DD, such as 1975-01-02");
    }

    @Test
    void aControlCharacterInAHeaderWeReadIsRefused() {
        Answer answer = http.raw("GET /api/referrals HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + gp
                + "\r\nX-Purpose-Of-Use: TREAT\u0085\r\nConnection: close\r\n\r\n");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.isProblem()).as(answer.body()).isTrue();
        assertThat(answer.body()).contains("X-Purpose-Of-Use").contains("U+0085");
    }

    @Test
    void anOversizeHeaderIsAnsweredAsAProblemNotAnHtmlPage() {
        Answer answer = http.raw("GET /api/referrals HTTP/1.1\r\nHost: localhost\r\nX-Filler: " + "a".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(answer.status()).isBetween(400, 499);
        assertThat(answer.isProblem()).as(answer.contentType() + " " + answer.body()).isTrue();
    }

    @Test
    void malformedPathsAreAnsweredAsProblemsNotHtmlPages() {
        for (String path : new String[] {"/api/%00", "/api/%zz", "/api/..;/x", "/api/referrals/%C0%AF",
                "/fhir/Task/%00"}) {
            Answer answer = http.raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + gp
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(answer.status()).as(path).isBetween(400, 499);
            assertThat(path.startsWith("/fhir") ? answer.contentType().startsWith("application/fhir+json")
                    : answer.isProblem()).as(path + ": " + answer.contentType() + " " + answer.body()).isTrue();
        }
    }

    @Test
    void theCommandBusRefusesAControlCharacterWhoeverSendsTheCommand() {
        long before = head();
        Actor actor = new Actor("web-app-user", "riverside-derm", Set.of(Actor.CLINICIAN), "web", null);
        assertThatThrownBy(() -> commands.send(new RequestInformation(referral, "Biopsy?\u0007"), actor, null))
                .isInstanceOfSatisfying(InputRules.InvalidInput.class, e -> assertThat(e.violations())
                        .containsExactly(new InputRules.Violation("question", "contains a control character (U+0007)")));
        assertThat(head()).isEqualTo(before);
    }

    @Test
    void theEventBusRefusesAnEventNoReadModelCouldCarry() {
        long before = head();
        assertThatThrownBy(() -> events.publish(new RecordAccessDenied("x".repeat(7_000), "riverside-derm", "TREAT",
                null, "there is no such record", Instant.now())))
                .isInstanceOfSatisfying(InputRules.InvalidInput.class, e -> assertThat(e.violations())
                        .containsExactly(new InputRules.Violation("recordId", "is longer than 64 characters")));
        assertThat(head()).isEqualTo(before);
    }

    // --- helpers -------------------------------------------------------------------------------------------

    private Answer get(String path, String token) {
        return http.send("GET", path, token, null, null, Map.of());
    }

    private static JsonNode json(Answer answer) {
        return JSON.readTree(answer.body());
    }

    private static void assertError(Answer answer, String field, String message) {
        JsonNode errors = json(answer).get("errors");
        assertThat(errors).as(answer.body()).isNotNull();
        assertThat(errors.get(0).get("field").asString()).as(answer.body()).isEqualTo(field);
        assertThat(errors.get(0).get("message").asString()).as(answer.body()).isEqualTo(message);
    }

    private long head() {
        return jdbc.queryForObject("SELECT coalesce(max(global_index), 0) FROM domain_event_entry", Long.class);
    }
}

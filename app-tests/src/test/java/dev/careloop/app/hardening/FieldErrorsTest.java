package dev.careloop.app.hardening;

import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import dev.careloop.app.hardening.Http.Answer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A body Jackson cannot read is a 400 problem that names the field by its JSON path and the form it wants, on
 * every route: dates and instants, enums (with the values they accept), numbers, objects and arrays.
 */
@CareLoopIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FieldErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INSTANT = "must be an ISO-8601 instant with a zone (Z or an offset), such as "
            + "2026-12-10T09:00:00Z, in the years 0001 to 9999";

    @LocalServerPort
    int port;

    private Http http;
    private String gp;
    private String derm;
    private String referral;

    @BeforeAll
    void anAcceptedReferral() {
        http = new Http(port);
        gp = DemoClinics.at(port).gp().token();
        derm = DemoClinics.at(port).derm().token();
        CareLoopClient.Response sent = DemoClinics.at(port).gp()
                .post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "FIELDS-" + UUID.randomUUID()));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        referral = sent.json().get("referralId").asString();
        assertThat(http.send("POST", "/api/referrals/" + referral + "/accept", derm, null, null, Map.of()).status())
                .isEqualTo(200);
    }

    @Test
    void anUnknownPriorityListsTheAcceptedValues() {
        Answer answer = post("/api/referrals", gp, """
                {"recipientOrganisation":"riverside-derm","priority":"whenever","service":"Dermatology",\
                "reason":"Lesion","patient":{"identifierSystem":"https://northside-gp.example/mrn",\
                "identifierValue":"M-9","name":"Alex Morgan","birthDate":"1975-01-02"}}""");
        assertOnlyError(answer, "priority", "must be one of routine, urgent, asap, stat");
    }

    @Test
    void anUnknownPriorityOnARefererBackIsNamedToo() {
        Answer answer = post("/api/referrals/" + referral + "/refer-back", derm,
                "{\"priority\":\"soonish\",\"service\":\"GP review\",\"reason\":\"Follow-up\"}");
        assertOnlyError(answer, "priority", "must be one of routine, urgent, asap, stat");
    }

    @Test
    void anInstantWithoutAZoneInANestedSlotIsNamedByItsPath() {
        Answer answer = post("/api/appointments", derm, """
                {"referralId":"%s","slot":{"start":"2031-12-10T09:00:00","end":"2031-12-10T09:30:00Z"},\
                "location":"Room 1"}""".formatted(referral));
        assertOnlyError(answer, "slot.start", INSTANT);
    }

    @Test
    void aDateThatIsNoDateAtAllIsNamed() {
        Answer answer = post("/api/referrals/" + referral + "/schedule", derm,
                "{\"start\":\"next tuesday\",\"location\":\"Room 1\"}");
        assertOnlyError(answer, "start", INSTANT);
    }

    @Test
    void anInstantInAnArrayOfSlotsIsNamedWithItsIndex() {
        Answer answer = post("/api/appointments/proposals", derm, """
                {"referralId":"%s","slots":[{"start":"2031-12-10T09:00:00Z"},{"start":"10/12/2031 09:00"}],\
                "location":"Room 1"}""".formatted(referral));
        assertOnlyError(answer, "slots[1].start", INSTANT);
    }

    @Test
    void aStringWhereAnObjectBelongsIsNamed() {
        Answer answer = post("/api/appointments", derm,
                "{\"referralId\":\"" + referral + "\",\"slot\":\"tomorrow at nine\",\"location\":\"Room 1\"}");
        assertOnlyError(answer, "slot", "must be a JSON object");
    }

    @Test
    void anObjectWhereAListBelongsIsNamed() {
        Answer answer = post("/api/referrals/" + referral + "/outcome", derm,
                "{\"report\":\"Benign\",\"recordIds\":{\"id\":\"x\"}}");
        assertOnlyError(answer, "recordIds", "must be an array");
    }

    @Test
    void aValidUntilWithoutAZoneOnASharedRecordIsNamed() {
        Answer answer = post("/api/records", gp, """
                {"referralId":"%s","recipients":["riverside-derm"],"documentType":{"code":"11490-0",\
                "display":"Discharge summary"},"title":"Summary","contentSha256":"%s","purpose":"TREAT",\
                "validUntil":"2031-01-01"}""".formatted(referral, "a".repeat(64)));
        assertOnlyError(answer, "validUntil", INSTANT);
    }

    @Test
    void anArrayWhereTheBodyShouldBeAnObjectSaysSo() {
        Answer answer = post("/api/referrals/" + referral + "/decline", derm, "[\"Outside our catchment\"]");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.isProblem()).isTrue();
        assertThat(json(answer).get("detail").asString()).isEqualTo("the request body must be a JSON object");
    }

    @Test
    void brokenJsonStillSaysItIsNotJson() {
        Answer answer = post("/api/referrals/" + referral + "/decline", derm, "{\"reason\":");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.isProblem()).isTrue();
        assertThat(json(answer).get("detail").asString()).contains("not valid JSON");
    }

    private Answer post(String path, String token, String body) {
        return http.send("POST", path, token, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static JsonNode json(Answer answer) {
        return JSON.readTree(answer.body());
    }

    private static void assertOnlyError(Answer answer, String field, String message) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.isProblem()).as(answer.contentType()).isTrue();
        JsonNode errors = json(answer).get("errors");
        assertThat(errors).as(answer.body()).isNotNull();
        assertThat(errors.size()).as(answer.body()).isEqualTo(1);
        assertThat(errors.get(0).get("field").asString()).as(answer.body()).isEqualTo(field);
        assertThat(errors.get(0).get("message").asString()).as(answer.body()).isEqualTo(message);
    }
}

package dev.careloop.app;

import dev.careloop.api.PatientIds;
import dev.careloop.app.CareLoopClient.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.careloop.app.SharedRecords.*;
import static org.assertj.core.api.Assertions.assertThat;

/** The patient summary shows each organisation exactly what it may see, across all three families. */
@CareLoopIntegrationTest
class PatientSummaryApiTest {

    private static final String MRN_SYSTEM = "https://northside-gp.example/mrn";

    @LocalServerPort
    int port;
    @Autowired
    PatientIds patientIds;

    private CareLoopClient gp;
    private CareLoopClient derm;
    private CareLoopClient cardio;

    @BeforeEach
    void clients() {
        gp = DemoClinics.at(port).gp();
        derm = DemoClinics.at(port).derm();
        cardio = DemoClinics.at(port).cardio();
    }

    @Test
    void eachOrganisationSeesExactlyWhatItMayAboutThePatient() {
        String mrn = "SUM-" + UUID.randomUUID().toString().substring(0, 8);
        String patientId = patientIds.idFor(MRN_SYSTEM, mrn);
        String referralId = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, mrn)).json()
                .get("referralId").asString();
        String forDerm = shareRecord(gp, forPatient(mrn, upload(gp, uniqueDocument("for derm")), List.of(DERM)));
        String forCardio = shareRecord(gp, forPatient(mrn, upload(gp, uniqueDocument("for cardio")), List.of(CARDIO)));
        // Riverside books the visit for the referral: the patient comes from it, named as northside named them.
        assertThat(derm.post("/api/referrals/" + referralId + "/accept", null).status()).isEqualTo(200);
        Response booked = derm.post("/api/appointments", Map.of("referralId", referralId,
                "slot", Map.of("start", Instant.now().plus(Duration.ofDays(4)).toString()), "description", "Review"));
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        String appointmentId = booked.json().get("appointmentId").asString();

        assertThat(ids(summary(gp, patientId))).containsExactlyInAnyOrder(referralId, forDerm, forCardio,
                appointmentId);
        assertThat(ids(summary(derm, patientId))).containsExactlyInAnyOrder(referralId, forDerm, appointmentId);
        assertThat(ids(summary(cardio, patientId))).containsExactly(forCardio);
        assertThat(summary(derm, patientId).get("patient").get("name").asString()).isEqualTo("Alex Morgan");
    }

    @Test
    void revokedAccessTakesTheRecordOutOfTheSummaryAndThenThePatientIsUnknown() {
        String mrn = "SUM-" + UUID.randomUUID().toString().substring(0, 8);
        String patientId = patientIds.idFor(MRN_SYSTEM, mrn);
        String recordId = shareRecord(gp, forPatient(mrn, upload(gp, uniqueDocument("revoked")), List.of(CARDIO)));
        assertThat(ids(summary(cardio, patientId))).containsExactly(recordId);

        gp.post("/api/records/" + recordId + "/revoke", Map.of("organisation", CARDIO, "reason", "consent withdrawn"));

        assertThat(cardio.get("/api/patients/" + patientId + "/summary").status()).isEqualTo(404);
        assertThat(ids(summary(gp, patientId))).containsExactly(recordId);
    }

    @Test
    void entriesAreNewestFirst() {
        String mrn = "SUM-" + UUID.randomUUID().toString().substring(0, 8);
        String patientId = patientIds.idFor(MRN_SYSTEM, mrn);
        String first = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, mrn)).json()
                .get("referralId").asString();
        String second = shareRecord(gp, forPatient(mrn, upload(gp, uniqueDocument("later")), List.of(DERM)));

        assertThat(ids(summary(gp, patientId))).containsExactly(second, first);
    }

    @Test
    void aPatientNobodyToldYouAboutIsNotFound() {
        String patientId = patientIds.idFor(MRN_SYSTEM, "NOBODY-" + UUID.randomUUID());

        Response response = gp.get("/api/patients/" + patientId + "/summary");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.header("Content-Type")).contains("application/problem+json");
    }

    private static Map<String, Object> forPatient(String mrn, String sha256, List<String> recipients) {
        Map<String, Object> body = share(sha256, recipients, inDays(30));
        body.put("patient", Map.of("identifierSystem", MRN_SYSTEM, "identifierValue", mrn, "name", "Alex Morgan",
                "birthDate", "1980-04-02"));
        return body;
    }

    private static JsonNode summary(CareLoopClient client, String patientId) {
        Response response = client.get("/api/patients/" + patientId + "/summary");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static List<String> ids(JsonNode summary) {
        return summary.get("entries").valueStream().map(e -> e.get("id").asString()).toList();
    }
}

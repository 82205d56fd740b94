package dev.careloop.app;

import dev.careloop.api.PatientIds;
import dev.careloop.app.CareLoopClient.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An organisation names patients only in the identifier systems it owns, so it cannot pass another organisation's
 * patient off under its MRN; and naming a patient in a query reveals nothing to an organisation that has no part in
 * their care.
 */
@CareLoopIntegrationTest
class PatientIdentifierSystemsTest {

    private static final String NORTHSIDE_MRN = "https://northside-gp.example/mrn";

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
    void lakesideSendingAReferralUnderNorthsidesMrnSystemIsRefusedAndRiversidesSummaryIsUnchanged() {
        String mrn = mrn();
        String patientId = patientIds.idFor(NORTHSIDE_MRN, mrn);
        Response sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", mrn));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        JsonNode before = summary(derm, patientId);

        Map<String, Object> forged = new HashMap<>(CareLoopClient.referralTo("riverside-derm", mrn));
        forged.put("patient", Map.of("identifierSystem", NORTHSIDE_MRN, "identifierValue", mrn,
                "name", "Mallory Impostor", "birthDate", "1999-09-09"));
        Response refused = cardio.post("/api/referrals", forged);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().get("errors").get(0).get("field").asString())
                .isEqualTo("patient.identifierSystem");
        assertThat(refused.json().get("errors").get(0).get("message").asString())
                .contains("https://lakeside-cardio.example/mrn");
        JsonNode after = summary(derm, patientId);
        assertThat(after).isEqualTo(before);
        assertThat(after.get("patient").get("name").asString()).isEqualTo("Alex Morgan");
    }

    @Test
    void anOrganisationNamesPatientsInItsOwnSystem() {
        Map<String, Object> referral = new HashMap<>(CareLoopClient.referralTo("riverside-derm", mrn()));
        referral.put("patient", Map.of("identifierSystem", "https://lakeside-cardio.example/mrn",
                "identifierValue", mrn(), "name", "Jo Nguyen", "birthDate", "1991-07-14"));

        Response sent = cardio.post("/api/referrals", referral);

        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
    }

    @Test
    void sharingARecordOrBookingAnAppointmentUnderAnotherOrganisationsSystemIsRefused() {
        Response booked = derm.post("/api/appointments", Map.of("patient", Map.of("identifierSystem", NORTHSIDE_MRN,
                        "identifierValue", mrn(), "name", "Alex Morgan", "birthDate", "1980-04-02"),
                "slot", Map.of("start", Instant.now().plus(3, ChronoUnit.DAYS).toString())));
        String sha256 = SharedRecords.upload(derm, SharedRecords.uniqueDocument("derm's letter"));
        Map<String, Object> share = SharedRecords.share(sha256, java.util.List.of("northside-gp"),
                SharedRecords.inDays(30));
        share.put("patient", Map.of("identifierSystem", NORTHSIDE_MRN, "identifierValue", mrn(),
                "name", "Alex Morgan", "birthDate", "1980-04-02"));
        Response shared = derm.post("/api/records", share);

        assertThat(booked.status()).isEqualTo(400);
        assertThat(booked.json().get("errors").get(0).get("field").asString()).isEqualTo("patient.identifierSystem");
        assertThat(shared.status()).isEqualTo(400);
        assertThat(shared.json().get("errors").get(0).get("field").asString()).isEqualTo("patient.identifierSystem");
    }

    @Test
    void aPatientTheOrganisationHasNoPartInIsAsUnknownAsOneThatDoesNotExist() {
        String mrn = mrn();
        gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", mrn));
        String known = patientIds.idFor(NORTHSIDE_MRN, mrn);
        String nobody = patientIds.idFor(NORTHSIDE_MRN, "NOBODY-" + UUID.randomUUID());

        Response someoneElses = cardio.get("/api/patients/" + known + "/summary");
        Response unknown = cardio.get("/api/patients/" + nobody + "/summary");
        Response listed = cardio.get("/api/referrals?patient=" + known);
        Response searched = cardio.get("/fhir/ServiceRequest?patient=" + NORTHSIDE_MRN + "|" + mrn);

        assertThat(someoneElses.status()).isEqualTo(404);
        assertThat(someoneElses.json().get("detail")).isEqualTo(unknown.json().get("detail"));
        assertThat(listed.status()).isEqualTo(404);
        assertThat(cardio.get("/api/referrals?patient=" + nobody).status()).isEqualTo(404);
        assertThat(searched.status()).isEqualTo(200);
        assertThat(searched.json().has("entry")).isFalse();
        assertThat(searched.body()).doesNotContain("Alex Morgan").doesNotContain(known);
    }

    private static JsonNode summary(CareLoopClient client, String patientId) {
        Response response = client.get("/api/patients/" + patientId + "/summary");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static String mrn() {
        return DemoClinics.mrn("ID");
    }
}

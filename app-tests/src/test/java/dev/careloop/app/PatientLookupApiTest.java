package dev.careloop.app;

import dev.careloop.app.CareLoopClient.Response;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A patient named as people name them (platform id, MRN as system|value, an MRN of the caller's own system, name and
 * birth date) is found on the lookup route, the referral list and the audit trail alike; one the caller may not see
 * is a 404 naming the parameter, never an empty answer that reads as "nobody touched this patient".
 */
@CareLoopIntegrationTest
class PatientLookupApiTest {

    @LocalServerPort
    int port;

    @Test
    void staffFindTheirPatientByMrnInEveryFormOrByNameAndBirthDateAndOthersFindNoOne() {
        DemoClinics clinics = DemoClinics.at(port);
        DemoClinics.DemoPatient patient = DemoClinics.newPatient();
        DemoClinics.SentReferral sent = clinics.sendReferral("riverside-derm", patient);
        CareLoopClient gp = clinics.gp();

        for (String identifier : List.of(sent.patientId(), patient.identifierSystem() + "|" + patient.mrn(),
                patient.mrn())) {
            Response found = gp.get("/api/patients?identifier=" + identifier);
            assertThat(found.status()).as(identifier + ": " + found.body()).isEqualTo(200);
            assertThat(found.json().get("items")).hasSize(1);
            JsonNode one = found.json().get("items").get(0);
            assertThat(one.get("patientId").asString()).isEqualTo(sent.patientId());
            assertThat(one.get("name").asString()).isEqualTo(patient.name());
            assertThat(one.get("identifierValue").asString()).isEqualTo(patient.mrn());
        }
        Response byName = gp.get("/api/patients?name=" + patient.name().toUpperCase() + "&birthDate="
                + patient.birthDate());
        assertThat(byName.status()).as(byName.body()).isEqualTo(200);
        assertThat(ids(byName.json())).containsExactly(sent.patientId());
        // The recipient sees the patient too, by system|value (the MRN is not in its own system).
        assertThat(clinics.derm().get("/api/patients?identifier=" + patient.identifierSystem() + "|"
                + patient.mrn()).status()).isEqualTo(200);

        // lakeside-cardio takes no part in it: the patient does not exist for it, in any form.
        CareLoopClient cardio = clinics.cardio();
        for (String query : List.of("identifier=" + sent.patientId(), "identifier=" + patient.mrn(),
                "name=" + patient.name() + "&birthDate=" + patient.birthDate())) {
            Response refused = cardio.get("/api/patients?" + query);
            assertThat(refused.status()).as(query + ": " + refused.body()).isEqualTo(404);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        }
    }

    @Test
    void aLookupWithoutAnIdentifierOrANameAndBirthDateNamesWhatIsMissing() {
        CareLoopClient gp = DemoClinics.at(port).gp();

        Response none = gp.get("/api/patients");
        Response noBirthDate = gp.get("/api/patients?name=Kim%20Lee");
        Response badDate = gp.get("/api/patients?name=Kim%20Lee&birthDate=01.02.1975");

        assertThat(none.status()).isEqualTo(400);
        assertThat(none.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
        assertThat(noBirthDate.json().get("errors").get(0).get("field").asString()).isEqualTo("birthDate");
        assertThat(badDate.status()).isEqualTo(400);
        assertThat(badDate.json().get("errors").get(0).get("message").asString()).contains("YYYY-MM-DD");
    }

    @Test
    void theReferralListFindsThePatientByMrnAndAnUnknownPatientIsNotAnEmptyList() {
        DemoClinics clinics = DemoClinics.at(port);
        DemoClinics.DemoPatient patient = DemoClinics.newPatient();
        DemoClinics.SentReferral sent = clinics.sendReferral("riverside-derm", patient);
        CareLoopClient gp = clinics.gp();

        for (String form : List.of(sent.patientId(), patient.identifierSystem() + "|" + patient.mrn(), patient.mrn())) {
            Await.until(Duration.ofSeconds(10), () -> gp.get("/api/referrals?box=outbox&patient=" + form).status()
                    == 200, "the referral list to know the patient");
            JsonNode page = gp.get("/api/referrals?box=outbox&patient=" + form).json();
            assertThat(page.get("totalItems").asLong()).as(form).isEqualTo(1);
            assertThat(page.get("items").get(0).get("referralId").asString()).isEqualTo(sent.id());
        }
        Response unknown = gp.get("/api/referrals?patient=" + DemoClinics.mrn("NOBODY"));
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.json().get("errors").get(0).get("field").asString()).isEqualTo("patient");
        assertThat(clinics.cardio().get("/api/referrals?patient=" + sent.patientId()).status()).isEqualTo(404);
    }

    @Test
    void anOfficerSearchesTheTrailByMrnAndByDayAndAMalformedDateIsNamedWithItsForms() {
        DemoClinics clinics = DemoClinics.at(port);
        DemoClinics.DemoPatient patient = DemoClinics.newPatient();
        DemoClinics.SentReferral sent = clinics.sendReferral("riverside-derm", patient);
        CareLoopClient officer = clinics.compliance("northside-gp");
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        Await.until(Duration.ofSeconds(10), () -> officer.get("/api/audit?patient=" + sent.patientId()).status()
                == 200, "the trail to hold the referral");

        for (String form : List.of(patient.identifierSystem() + "|" + patient.mrn(), patient.mrn())) {
            Response found = officer.get("/api/audit?type=ReferralSent&from=" + today + "&patient=" + form);
            assertThat(found.status()).as(form + ": " + found.body()).isEqualTo(200);
            assertThat(found.json().get("totalItems").asLong()).isEqualTo(1);
            assertThat(found.json().get("items").get(0).get("referralId").asString()).isEqualTo(sent.id());
        }
        // Yesterday, up to the end of that day: the referral was sent after it.
        String yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
        assertThat(officer.get("/api/audit?patient=" + patient.mrn() + "&to=" + yesterday).json().get("totalItems")
                .asLong()).isZero();
        assertThat(officer.get("/api/patients?identifier=" + patient.mrn()).json().get("items").get(0)
                .get("patientId").asString()).isEqualTo(sent.patientId());

        Response badDate = officer.get("/api/audit?from=1st%20December");
        assertThat(badDate.status()).isEqualTo(400);
        assertThat(badDate.header("Content-Type")).startsWith("application/problem+json");
        assertThat(badDate.json().get("errors").get(0).get("field").asString()).isEqualTo("from");
        assertThat(badDate.json().get("errors").get(0).get("message").asString()).contains("2026-12-01")
                .contains("2026-12-01T09:00:00Z");
        Response unknown = officer.get("/api/audit?patient=" + DemoClinics.GP_MRN_SYSTEM + "|"
                + DemoClinics.mrn("NOBODY"));
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.json().get("errors").get(0).get("field").asString()).isEqualTo("patient");
    }

    @Test
    void theRecordAndAppointmentListsFindThePatientInEveryFormAndAnUnknownPatientIsNotAnEmptyList() {
        DemoClinics clinics = DemoClinics.at(port);
        DemoClinics.DemoPatient patient = DemoClinics.newPatient();
        CareLoopClient gp = clinics.gp();
        String record = share(gp, patient, "riverside-derm");
        Response booked = gp.post("/api/appointments", Map.of("patient", patient.json(),
                "slot", Map.of("start", Instant.now().plus(Duration.ofDays(5)).toString()), "description", "Review"));
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        String appointment = booked.json().get("appointmentId").asString();
        String patientId = booked.json().get("patient").get("patientId").asString();

        for (String form : List.of(patientId, patient.identifierSystem() + "|" + patient.mrn(), patient.mrn())) {
            Await.until(Duration.ofSeconds(10), () -> gp.get("/api/records?patient=" + form).status() == 200
                    && gp.get("/api/appointments?patient=" + form).status() == 200, "the lists to know the patient");
            JsonNode records = gp.get("/api/records?patient=" + form).json();
            assertThat(records.get("totalItems").asLong()).as(form).isEqualTo(1);
            assertThat(records.get("items").get(0).get("recordId").asString()).isEqualTo(record);
            JsonNode appointments = gp.get("/api/appointments?patient=" + form).json();
            assertThat(appointments.get("totalItems").asLong()).as(form).isEqualTo(1);
            assertThat(appointments.get("items").get(0).get("appointmentId").asString()).isEqualTo(appointment);
        }
        for (String list : List.of("/api/records", "/api/appointments")) {
            Response unknown = gp.get(list + "?patient=" + DemoClinics.mrn("NOBODY"));
            assertThat(unknown.status()).as(list + ": " + unknown.body()).isEqualTo(404);
            assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
            assertThat(unknown.json().get("errors").get(0).get("field").asString()).isEqualTo("patient");
            // lakeside-cardio takes no part in the patient: the platform id finds nothing either.
            assertThat(clinics.cardio().get(list + "?patient=" + patientId).status()).as(list).isEqualTo(404);
        }
    }

    private static String share(CareLoopClient author, DemoClinics.DemoPatient patient, String recipient) {
        byte[] content = ("# Summary\n\n" + UUID.randomUUID() + "\n").getBytes(StandardCharsets.UTF_8);
        String sha;
        try {
            sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(author.put("/api/records/content/" + sha, content, "text/markdown").status()).isIn(200, 201);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("patient", patient.json());
        body.put("recipients", List.of(recipient));
        body.put("documentType", Map.of("code", "18842-5", "display", "Discharge summary"));
        body.put("title", "Discharge summary");
        body.put("contentSha256", sha);
        body.put("purpose", "TREAT");
        body.put("validUntil", Instant.now().plus(Duration.ofDays(30)).toString());
        Response shared = author.post("/api/records", body);
        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        return shared.json().get("recordId").asString();
    }

    private static List<String> ids(JsonNode found) {
        List<String> ids = new ArrayList<>();
        found.get("items").forEach(p -> ids.add(p.get("patientId").asString()));
        return ids;
    }
}

package dev.careloop.app.audit;

import dev.careloop.api.PatientIds;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
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
import java.util.function.Predicate;

import static dev.careloop.app.DemoClinics.CARDIO;
import static dev.careloop.app.DemoClinics.DERM;
import static dev.careloop.app.DemoClinics.GP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The audit API over real HTTP and tokens: compliance officers of the three demo organisations and the platform's
 * own, each seeing exactly their organisation's part of the trail; everyone else refused; every read of the trail
 * in the log. The database is shared with other tests, so each test works on patients of its own.
 */
@CareLoopIntegrationTest
class AuditApiTest {

    private static final String MRN_SYSTEM = DemoClinics.GP_MRN_SYSTEM;
    private static final String CARDIO_MRN_SYSTEM = DemoClinics.CARDIO_MRN_SYSTEM;

    @LocalServerPort
    int port;
    @Autowired
    PatientIds patientIds;
    @Autowired
    JdbcTemplate jdbc;

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
    void eachOfficerSeesExactlyTheirOrganisationsPartOfAPatientsTrail() {
        String ada = mrn();
        String grace = mrn();
        String referral = send(gp, DERM, ada);
        String acceptRequest = "accept-" + UUID.randomUUID();
        assertThat(derm.post("/api/referrals/" + referral + "/accept", null, h -> h.set("X-Request-Id", acceptRequest))
                .status()).isEqualTo(200);
        shareRecord(gp, ada, List.of(CARDIO));
        // Lakeside names its patient in its own identifier system.
        Map<String, Object> fromCardio = new LinkedHashMap<>(CareLoopClient.referralTo(DERM, grace));
        fromCardio.put("patient", Map.of("identifierSystem", CARDIO_MRN_SYSTEM, "identifierValue", grace,
                "name", "Grace Hopper", "birthDate", "1956-12-09"));
        assertThat(cardio.post("/api/referrals", fromCardio).status()).isEqualTo(201);
        String graceId = patientIds.idFor(CARDIO_MRN_SYSTEM, grace);
        CareLoopClient platform = officer("careloop");
        awaitEntries(platform, "patient=" + patientId(ada), 3);
        awaitEntries(platform, "patient=" + graceId, 1);

        assertThat(types(officer(GP), "patient=" + patientId(ada)))
                .containsExactly("ReferralSent", "ReferralAccepted", "RecordShared");
        assertThat(types(officer(DERM), "patient=" + patientId(ada))).containsExactly("ReferralSent", "ReferralAccepted");
        assertThat(types(officer(CARDIO), "patient=" + patientId(ada))).containsExactly("RecordShared");
        // Grace is in none of northside-gp's work: not an empty answer, a patient it cannot find.
        assertNotFound(officer(GP), "patient=" + graceId);
        assertThat(types(officer(DERM), "patient=" + graceId)).containsExactly("ReferralSent");
        assertThat(types(officer(CARDIO), "patient=" + graceId)).containsExactly("ReferralSent");

        JsonNode accepted = search(officer(GP), "request=" + acceptRequest).get("items").get(0);
        assertThat(accepted.get("eventType").asString()).isEqualTo("ReferralAccepted");
        assertThat(accepted.get("user").asString()).isEqualTo(DERM + "-staff");
        assertThat(accepted.get("organisation").asString()).isEqualTo(DERM);
        assertThat(accepted.get("client").asString()).isEqualTo(DERM + "-staff");
        assertThat(accepted.get("purposeOfUse").asString()).isEqualTo("TREAT");
        assertThat(accepted.get("referralId").asString()).isEqualTo(referral);
        assertThat(accepted.get("description").asString()).startsWith("riverside-derm accepted referral ");
        assertThat(types(officer(GP), "referral=" + referral + "&user=" + DERM + "-staff"))
                .containsExactly("ReferralAccepted");
        // The officer's own earlier reads about this patient are entries too; leave them out by type.
        assertThat(types(officer(GP), "patient=" + patientId(ada) + "&organisation=" + GP + "&sort=time,desc"
                + "&type=ReferralSent,ReferralAccepted,RecordShared")).containsExactly("RecordShared", "ReferralSent");
        assertThat(types(officer(GP), "patient=" + patientId(ada) + "&from=" + accepted.get("occurredAt").asString()
                + "&type=ReferralSent,ReferralAccepted")).containsExactly("ReferralAccepted");
    }

    @Test
    void noOneButAComplianceOfficerMayReadTheTrail() {
        List<String> paths = List.of("/api/audit", "/api/audit/disclosures?patient=x",
                "/api/audit/referrals/x?asOf=2026-01-01T00:00:00Z",
                "/api/audit/records/x/diff?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z");
        for (String client : List.of(GP + "-staff", "careloop-admin", "riverside-ehr")) {
            CareLoopClient caller = DemoClinics.at(port).client(client);
            for (String path : paths) {
                Response refused = caller.get(path);
                assertThat(refused.status()).as(client + " " + path).isEqualTo(403);
                assertThat(refused.header("Content-Type")).contains("application/problem+json");
            }
        }
    }

    @Test
    void everyReadOfTheTrailIsAnEventInTheLogAndAnEntryOnlyTheReadersOrganisationSees() {
        String request = "audit-read-" + UUID.randomUUID();
        String mrn = mrn();
        send(gp, DERM, mrn);
        String patient = patientId(mrn);
        awaitEntries(officer(GP), "patient=" + patient, 1);

        // By the MRN, in a period before the patient's first entry: nothing, and the log names the patient by id only.
        Response read = officer(GP).get("/api/audit?patient=" + mrn + "&to=2000-01-01",
                h -> h.set("X-Request-Id", request));

        assertThat(read.status()).isEqualTo(200);
        Map<String, Object> logged = jdbc.queryForMap("SELECT aggregate_type, payload::text AS payload, "
                + "meta_data->>'userId' AS user_id, meta_data->>'organisation' AS org, "
                + "meta_data->>'purposeOfUse' AS purpose FROM event_log "
                + "WHERE payload_type = 'dev.careloop.api.audit.AuditTrailRead' AND meta_data->>'correlationId' = ?",
                request);
        assertThat(logged.get("aggregate_type")).as("published on its own, not an aggregate's event").isNull();
        assertThat(logged).containsEntry("user_id", GP + "-compliance").containsEntry("org", GP)
                .containsEntry("purpose", "HCOMPL");
        assertThat((String) logged.get("payload")).contains("\"operation\": \"search\"")
                .contains("\"patient\": \"" + patient + "\"").contains("\"entriesReturned\": 0")
                .doesNotContain(mrn);

        awaitEntries(officer(GP), "type=AuditTrailRead&request=" + request, 1);
        JsonNode entry = search(officer(GP), "type=AuditTrailRead&request=" + request).get("items").get(0);
        assertThat(entry.get("patientId").asString()).isEqualTo(patient);
        assertThat(entry.get("description").asString())
                .isEqualTo(GP + "-compliance of " + GP + " read the audit trail (search): 0 entries");
        assertThat(types(officer(DERM), "type=AuditTrailRead&request=" + request)).isEmpty();
        assertThat(types(officer("careloop"), "type=AuditTrailRead&request=" + request))
                .containsExactly("AuditTrailRead");
    }

    @Test
    void theAccountingOfDisclosuresListsEveryReadOfThePatientsRecords() {
        String mrn = mrn();
        String record = shareRecord(gp, mrn, List.of(DERM));
        String request = "download-" + UUID.randomUUID();
        assertThat(derm.download("/api/records/" + record + "/content", h -> h.set("X-Request-Id", request))
                .getStatusCode().value()).isEqualTo(200);
        assertThat(cardio.download("/api/records/" + record + "/content", h -> { }).getStatusCode().value())
                .isEqualTo(404);
        String patient = patientId(mrn);

        JsonNode accounting = awaitJson(officer(GP), "/api/audit/disclosures?patient=" + patient,
                a -> a.get("disclosures").size() == 1);

        JsonNode disclosure = accounting.get("disclosures").get(0);
        assertThat(disclosure.get("recordId").asString()).isEqualTo(record);
        assertThat(disclosure.get("version").asInt()).isEqualTo(1);
        assertThat(disclosure.get("disclosedTo").asString()).isEqualTo(DERM);
        assertThat(disclosure.get("user").asString()).isEqualTo(DERM + "-staff");
        assertThat(disclosure.get("purposeOfUse").asString()).isEqualTo("TREAT");
        assertThat(disclosure.get("correlationId").asString()).isEqualTo(request);
        assertThat(officer(CARDIO).get("/api/audit/disclosures?patient=" + patient).status())
                .as("cardio's refused read was no disclosure, and the patient is not one cardio may find")
                .isEqualTo(404);
        assertThat(types(officer(CARDIO), "record=" + record)).containsExactly("RecordAccessDenied");
        assertThat(types(officer(GP), "record=" + record))
                .containsExactly("RecordShared", "RecordDisclosed", "RecordAccessDenied");
    }

    @Test
    void theExportHonoursTypeAndThePatientsMrnWritesARefusalAsAFailedReadAndNamesThePatientInTheCsv() {
        String mrn = mrn();
        String record = shareRecord(gp, mrn, List.of(DERM));
        assertThat(cardio.download("/api/records/" + record + "/content", h -> { }).getStatusCode().value())
                .isEqualTo(404);
        awaitEntries(officer(GP), "type=RecordAccessDenied&record=" + record, 1);
        String today = LocalDate.now(ZoneOffset.UTC).toString();

        Response fhir = officer(GP).get("/api/audit/export?format=fhir&type=RecordAccessDenied&patient=" + mrn);
        Response csv = officer(GP).get("/api/audit/export?format=csv&type=RecordShared&from=" + today + "&to="
                + today + "&patient=" + MRN_SYSTEM + "|" + mrn);

        assertThat(fhir.status()).as(fhir.body()).isEqualTo(200);
        List<AuditEvent> events = R4ChangeProjector.fhirContext().newJsonParser()
                .parseResource(Bundle.class, fhir.body()).getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource).filter(AuditEvent.class::isInstance)
                .map(AuditEvent.class::cast).toList();
        assertThat(events).hasSize(1);
        AuditEvent refusal = events.get(0);
        assertThat(refusal.getOutcome()).as("a SIEM filtering on failures finds it")
                .isEqualTo(AuditEvent.AuditEventOutcome._4);
        assertThat(refusal.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
        assertThat(refusal.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getIdentifier().getValue())
                .isEqualTo(patientId(mrn)));
        assertThat(csv.status()).as(csv.body()).isEqualTo(200);
        String[] lines = csv.body().split("\r\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[1]).contains("\"RecordShared\"", "\"" + patientId(mrn) + "\",\"Alex Morgan\",\"" + MRN_SYSTEM
                + "|" + mrn + "\"");
    }

    @Test
    void anOrganisationRefusedARecordItIsNoPartyToDoesNotLearnWhoseRecordItWas() {
        String mrn = mrn();
        Instant before = Instant.now();
        String record = shareRecord(gp, mrn, List.of(DERM));
        assertThat(cardio.download("/api/records/" + record + "/content", h -> { }).getStatusCode().value())
                .isEqualTo(404);
        String patient = patientId(mrn);
        awaitEntries(officer(GP), "type=RecordAccessDenied&record=" + record, 1);

        JsonNode denial = search(officer(CARDIO), "record=" + record).get("items").get(0);
        Response export = officer(CARDIO).get("/api/audit/export?format=csv&from=" + before + "&to="
                + Instant.now().plusSeconds(1));

        assertThat(denial.get("eventType").asString()).isEqualTo("RecordAccessDenied");
        assertThat(denial.get("recordId").asString()).isEqualTo(record);
        assertThat(denial.toString()).doesNotContain(patient).doesNotContain("not shared");
        assertThat(denial.get("details").get("reason").asString()).isEqualTo("no such record");
        // Refused the record and party to nothing of the patient's, it cannot even find the patient.
        assertNotFound(officer(CARDIO), "patient=" + patient);
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.body()).contains(record).doesNotContain(patient);
        // The record's author still reads whose record was asked for, and why it was refused.
        JsonNode seenByAuthor = search(officer(GP), "type=RecordAccessDenied&record=" + record).get("items").get(0);
        assertThat(seenByAuthor.get("patientId").asString()).isEqualTo(patient);
        assertThat(seenByAuthor.get("details").get("reason").asString())
                .isEqualTo("the record was not shared with " + CARDIO);
        assertThat(types(officer(GP), "patient=" + patient)).contains("RecordAccessDenied");
    }

    @Test
    void recordsAndAppointmentsAsOfAnInstantForTheirPartiesOnly() {
        String mrn = mrn();
        String record = shareRecord(gp, mrn, List.of(DERM));
        Instant afterSharing = Instant.now();
        Response booked = derm.post("/api/appointments", Map.of("patient", Map.of("identifierSystem",
                        "https://riverside-derm.example/mrn", "identifierValue", mrn, "name", "Alex Morgan",
                        "birthDate", "1980-04-02"),
                "slot", Map.of("start", Instant.now().plus(Duration.ofDays(4)).toString()), "description", "Review"));
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        String appointment = booked.json().get("appointmentId").asString();
        Instant afterBooking = Instant.now();

        Response recordThen = officer(DERM).get("/api/audit/records/" + record + "?asOf=" + afterSharing);
        assertThat(recordThen.status()).as(recordThen.body()).isEqualTo(200);
        assertThat(recordThen.json().get("grants").get(0).get("status").asString()).isEqualTo("active");
        assertThat(officer(CARDIO).get("/api/audit/records/" + record + "?asOf=" + afterSharing).status())
                .isEqualTo(404);

        Response appointmentThen = officer(DERM).get("/api/audit/appointments/" + appointment + "?asOf=" + afterBooking);
        assertThat(appointmentThen.status()).as(appointmentThen.body()).isEqualTo(200);
        assertThat(appointmentThen.json().get("status").asString()).isEqualTo("booked");
        assertThat(officer(GP).get("/api/audit/appointments/" + appointment + "?asOf=" + afterBooking).status())
                .isEqualTo(404);
        assertThat(officer(DERM).get("/api/audit/appointments/" + appointment + "?asOf=" + afterSharing).status())
                .as("it did not exist yet").isEqualTo(404);
    }

    @Test
    void afterAnErasureTheTrailShowsItAndTheAsOfViewNamesNoOne() {
        String mrn = mrn();
        String referral = send(gp, DERM, mrn);
        String before = Instant.now().toString();
        Response erased = DemoClinics.at(port).admin().post("/api/admin/patients/" + patientId(mrn)
                + "/erasure", Map.of("reason", "right to erasure"));
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);

        awaitEntries(officer(GP), "type=PatientErased&patient=" + patientId(mrn), 1);
        assertNotFound(officer(CARDIO), "type=PatientErased&patient=" + patientId(mrn));
        Response then = officer(GP).get("/api/audit/referrals/" + referral + "?asOf=" + before);
        assertThat(then.status()).as(then.body()).isEqualTo(200);
        assertThat(then.json().get("patient").get("name").asString()).isEqualTo("(erased)");
        assertThat(then.body()).doesNotContain(mrn).doesNotContain("Alex Morgan").doesNotContain("1980-04-02");
    }

    // --- helpers -------------------------------------------------------------------------------------

    private CareLoopClient officer(String org) {
        return DemoClinics.at(port).compliance(org);
    }

    private static String mrn() {
        return DemoClinics.mrn("AUD");
    }

    private String patientId(String mrn) {
        return patientIds.idFor(MRN_SYSTEM, mrn);
    }

    private static Map<String, Object> patient(String mrn) {
        return Map.of("identifierSystem", MRN_SYSTEM, "identifierValue", mrn, "name", "Alex Morgan",
                "birthDate", "1980-04-02");
    }

    private static String send(CareLoopClient from, String to, String mrn) {
        return DemoClinics.sendReferral(from, CareLoopClient.referralTo(to, mrn)).id();
    }

    private static String shareRecord(CareLoopClient author, String mrn, List<String> recipients) {
        byte[] content = ("# Summary\n\n" + UUID.randomUUID() + "\n").getBytes(StandardCharsets.UTF_8);
        String sha;
        try {
            sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(author.put("/api/records/content/" + sha, content, "text/markdown").status()).isIn(200, 201);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("patient", patient(mrn));
        body.put("recipients", recipients);
        body.put("documentType", Map.of("code", "18842-5", "display", "Discharge summary"));
        body.put("title", "Discharge summary");
        body.put("contentSha256", sha);
        body.put("purpose", "TREAT");
        body.put("validUntil", Instant.now().plus(Duration.ofDays(30)).toString());
        Response shared = author.post("/api/records", body);
        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        return shared.json().get("recordId").asString();
    }

    private static JsonNode search(CareLoopClient officer, String query) {
        Response found = officer.get("/api/audit?size=500&" + query);
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        return found.json();
    }

    /** A patient outside the officer's part of the trail: a 404 naming the parameter, never an empty page. */
    private static void assertNotFound(CareLoopClient officer, String query) {
        Response found = officer.get("/api/audit?size=500&" + query);
        assertThat(found.status()).as(found.body()).isEqualTo(404);
        assertThat(found.header("Content-Type")).startsWith("application/problem+json");
        assertThat(found.json().get("errors").get(0).get("field").asString()).isEqualTo("patient");
    }

    private static List<String> types(CareLoopClient officer, String query) {
        List<String> types = new ArrayList<>();
        search(officer, query).get("items").forEach(e -> types.add(e.get("eventType").asString()));
        return types;
    }

    /** The audit trail is a projection: wait (bounded) until it has caught up with what the test wrote. */
    private static void awaitEntries(CareLoopClient officer, String query, int count) {
        awaitJson(officer, "/api/audit?" + query, page -> page.get("totalItems").asInt() >= count);
    }

    private static JsonNode awaitJson(CareLoopClient officer, String path, Predicate<JsonNode> until) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            Response response = officer.get(path);
            if (response.status() == 200 && until.test(response.json())) {
                return response.json();
            }
            if (System.nanoTime() > deadline) {
                fail("the audit trail did not catch up: " + path + " -> " + response.body());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }
}

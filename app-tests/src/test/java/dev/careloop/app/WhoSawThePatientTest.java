package dev.careloop.app;

import dev.careloop.app.DemoClinics.DemoPatient;
import dev.careloop.app.DemoClinics.SentReferral;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static dev.careloop.app.DemoClinics.CARDIO;
import static dev.careloop.app.DemoClinics.DERM;
import static dev.careloop.app.DemoClinics.GP;
import static dev.careloop.app.SharedRecords.inDays;
import static dev.careloop.app.SharedRecords.share;
import static dev.careloop.app.SharedRecords.shareRecord;
import static dev.careloop.app.SharedRecords.uniqueDocument;
import static dev.careloop.app.SharedRecords.upload;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17's question, "who saw this patient's records in the period, and was it allowed?", answered whole for a
 * scripted stretch of one patient's care by three organisations: northside-gp refers the patient to riverside-derm,
 * which reads and accepts the referral; lakeside-cardio, no party, is refused it; riverside-derm's EHR reads the
 * Task over /fhir; northside-gp shares a record that riverside-derm downloads and reads the patient's summary. One
 * search of the trail and the access log together (events and reads, merged in time order) is compared with the
 * list written down here by hand. The window is the real clock around the script, so other tests' work never
 * counts, and the patient is new to this test.
 */
@CareLoopIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WhoSawThePatientTest {

    /** Every event type this patient's story writes, and the access log's reads: the question asked whole. */
    private static final String TYPES = "ReferralSent,ReferralAccepted,RecordShared,RecordDisclosed,"
            + "RecordAccessDenied,ReadAccess";

    @LocalServerPort
    int port;

    private String patient;
    private String referral;
    private String record;
    private Instant from;
    private Instant to;

    @BeforeAll
    void threeOrganisationsActOnOnePatient() {
        DemoClinics clinics = DemoClinics.at(port);
        CareLoopClient gp = clinics.gp();
        CareLoopClient derm = clinics.derm();
        from = Instant.now();
        DemoPatient who = DemoClinics.newPatient();
        CareLoopClient.Response sent = gp.post("/api/referrals", DemoClinics.referral(DERM, who));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        referral = sent.json().get("referralId").asString();
        patient = sent.json().get("patient").get("patientId").asString();
        // Each read sends back the position of the write before it, so no read is refused for being early.
        String position = sent.header("CareLoop-Position");
        assertThat(derm.get("/api/referrals/" + referral, at(position)).status()).isEqualTo(200);
        CareLoopClient.Response accepted = derm.post("/api/referrals/" + referral + "/accept", null);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        position = accepted.header("CareLoop-Position");
        assertThat(clinics.cardio().get("/api/referrals/" + referral, at(position)).status()).isEqualTo(404);
        assertThat(clinics.client("riverside-ehr").get("/fhir/Task/" + referral, at(position)).status())
                .isEqualTo(200);
        Map<String, Object> body = share(upload(gp, uniqueDocument("Who saw")), List.of(DERM), inDays(30));
        body.put("patient", who.json());
        CareLoopClient.Response shared = gp.post("/api/records", body);
        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        record = shared.json().get("recordId").asString();
        position = shared.header("CareLoop-Position");
        assertThat(derm.download("/api/records/" + record + "/content", at(position)).getStatusCode().value())
                .isEqualTo(200);
        assertThat(gp.get("/api/patients/" + patient + "/summary", at(position)).status()).isEqualTo(200);
        to = Instant.now().plusSeconds(1);
    }

    @Test
    void theOfficerOfAPartyGetsEveryReadAndWriteByWhomAllowedOrRefusedInTimeOrder() {
        List<String> found = answer(DemoClinics.at(port).compliance(GP), 9);

        assertThat(found).containsExactly(
                "northside-gp-staff | northside-gp | ReferralSent | allowed",
                "riverside-derm-staff | riverside-derm | read Referral (rest) | allowed",
                "riverside-derm-staff | riverside-derm | ReferralAccepted | allowed",
                "lakeside-cardio-staff | lakeside-cardio | read Referral (rest) | refused: the organisation takes "
                        + "no part in the referral",
                "riverside-ehr | riverside-derm | read Task (fhir) | allowed",
                "northside-gp-staff | northside-gp | RecordShared | allowed",
                "riverside-derm-staff | riverside-derm | RecordDisclosed | allowed",
                "riverside-derm-staff | riverside-derm | read RecordContent (rest) | allowed",
                "northside-gp-staff | northside-gp | read PatientSummary (rest) | allowed");
    }

    @Test
    void nothingTheEventsSayIsLeftOutOfTheQuestion() {
        CareLoopClient officer = DemoClinics.at(port).client("careloop-compliance");
        answer(officer, 9);
        JsonNode events = officer.get("/api/audit?patient=" + patient + "&from=" + from + "&to=" + to
                + "&size=500")
                .json().get("items");

        // Every event of the patient's story is of a type the question names (the officers' own reads aside).
        List<String> types = new ArrayList<>();
        events.forEach(e -> types.add(e.get("eventType").asString()));
        assertThat(types).filteredOn(t -> !t.equals("AuditTrailRead"))
                .allSatisfy(t -> assertThat(TYPES.split(",")).contains(t)).isNotEmpty();
    }

    @Test
    void aStrangersOfficerSeesItsOwnRefusalButNotUnderThePatient() {
        CareLoopClient officer = DemoClinics.at(port).compliance(CARDIO);

        JsonNode own = officer.get("/api/audit?type=ReadAccess&organisation=" + CARDIO + "&referral=" + referral
                + "&from=" + from + "&to=" + to).json();

        assertThat(own.get("totalItems").asInt()).isEqualTo(1);
        JsonNode refusal = own.get("items").get(0);
        assertThat(refusal.get("details").get("reason").asString()).isEqualTo("no such resource");
        assertThat(refusal.path("patientId").isNull() || refusal.path("patientId").isMissingNode()).isTrue();
        assertThat(officer.get("/api/audit?type=" + TYPES + "&patient=" + patient).status()).isEqualTo(404);
    }

    @Test
    void thePagesOfTheMergedAnswerAreTheWholeAnswerCutInOrder() {
        CareLoopClient officer = DemoClinics.at(port).compliance(GP);
        List<String> whole = answer(officer, 9);

        for (String sort : List.of("asc", "desc")) {
            List<String> paged = new ArrayList<>();
            for (int page = 0; page < 5; page++) {
                JsonNode found = officer.get(query() + "&sort=time," + sort + "&size=2&page=" + page).json();
                assertThat(found.get("totalItems").asInt()).isEqualTo(9);
                found.get("items").forEach(e -> paged.add(row(e)));
            }
            List<String> expected = new ArrayList<>(whole);
            if (sort.equals("desc")) {
                Collections.reverse(expected);
            }
            assertThat(paged).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void theExportOfTheSameQuestionHoldsTheSameReadsAsBalpAuditEventsAndCsvRows() {
        CareLoopClient officer = DemoClinics.at(port).compliance(GP);
        answer(officer, 9);

        CareLoopClient.Response fhir = officer.get(query().replace("/api/audit?", "/api/audit/export?format=fhir&"));
        CareLoopClient.Response csv = officer.get(query().replace("/api/audit?", "/api/audit/export?format=csv&"));

        assertThat(fhir.status()).as(fhir.body()).isEqualTo(200);
        List<AuditEvent> events = R4ChangeProjector.fhirContext().newJsonParser()
                .parseResource(Bundle.class, fhir.body()).getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource).filter(AuditEvent.class::isInstance)
                .map(AuditEvent.class::cast).toList();
        assertThat(events).hasSize(9);
        List<AuditEvent> reads = events.stream().filter(e -> e.getSubtype().stream()
                .anyMatch(c -> c.getCode().equals("ReadAccess")))
                .toList();
        assertThat(reads).extracting(e -> e.getAction() + " " + e.getOutcome().toCode()).containsExactly(
                "R 0", "R 4", "R 0", "R 0", "R 0");
        assertThat(reads.get(1).getOutcomeDesc()).isEqualTo("the organisation takes no part in the referral");
        assertThat(reads.get(0).getEntity()).anySatisfy(e ->
                assertThat(e.getWhat().getIdentifier().getValue()).isEqualTo(patient));
        assertThat(reads.get(2).getEntity()).anySatisfy(e ->
                assertThat(e.getWhat().getReference()).isEqualTo("Task/" + referral));
        assertThat(csv.status()).as(csv.body()).isEqualTo(200);
        String[] lines = csv.body().split("\r\n");
        assertThat(lines).hasSize(10);
        assertThat(lines).filteredOn(l -> l.contains("\"ReadAccess\"")).hasSize(5)
                .anySatisfy(l -> assertThat(l).contains("\"lakeside-cardio\"")
                        .endsWith("\"refused\",\"the organisation takes no part in the referral\",\"R\",\"rest\","
                                + "\"\",\"\""));
    }

    @Test
    void withoutATypeTheExportLikeTheSearchHoldsTheEventsAndNoReads() {
        CareLoopClient officer = DemoClinics.at(port).compliance(GP);
        answer(officer, 9);

        CareLoopClient.Response search = officer.get("/api/audit?patient=" + patient + "&from=" + from + "&to=" + to);
        CareLoopClient.Response csv = officer.get("/api/audit/export?format=csv&patient=" + patient + "&from=" + from
                + "&to=" + to);

        assertThat(search.json().get("items")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.get("eventType").asString()).isNotEqualTo("ReadAccess"));
        assertThat(csv.body()).contains("\"ReferralSent\"").doesNotContain("\"ReadAccess\"");
    }

    /**
     * The officer's answer as rows, once the trail has caught up with every event of the script (or after 10 s, so
     * that a missing entry shows as a difference from the expected list).
     */
    private List<String> answer(CareLoopClient officer, int entries) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode found = officer.get(query() + "&sort=time,asc&size=100").json();
        while (found.path("totalItems").asInt() < entries && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            found = officer.get(query() + "&sort=time,asc&size=100").json();
        }
        assertThat(found.has("items")).as(found.toString()).isTrue();
        List<String> rows = new ArrayList<>();
        found.get("items").forEach(e -> rows.add(row(e)));
        return rows;
    }

    private String query() {
        return "/api/audit?patient=" + patient + "&type=" + TYPES + "&from=" + from + "&to=" + to;
    }

    /** Who, for which organisation, what (an event, or a read of what through which channel), allowed or refused. */
    private static String row(JsonNode e) {
        String type = e.get("eventType").asString();
        JsonNode d = e.get("details");
        String what = type.equals("ReadAccess") ? "read " + d.get("resourceType").asString() + " ("
                + d.get("channel").asString() + ")" : type;
        String outcome = type.equals("ReadAccess") ? d.get("outcome").asString()
                : type.equals("RecordAccessDenied") ? "refused" : "allowed";
        if (outcome.equals("refused")) {
            outcome += ": " + d.get("reason").asString();
        }
        return e.get("user").asString() + " | " + e.get("organisation").asString() + " | " + what + " | " + outcome;
    }

    private static java.util.function.Consumer<org.springframework.http.HttpHeaders> at(String position) {
        return h -> {
            if (position != null) {
                h.set("CareLoop-Position", position);
            }
        };
    }
}

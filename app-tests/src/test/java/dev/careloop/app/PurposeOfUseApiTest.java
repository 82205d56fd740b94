package dev.careloop.app;

import dev.careloop.app.SharedRecords.LoggedEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.careloop.app.SharedRecords.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The purpose of use is part of consent over real HTTP: a grant allows the purposes it names, an unknown purpose is
 * a 400 that names the codes, and break-the-glass works where the organisation turned it on (the local profile:
 * lakeside-cardio), recorded, listed for the owner's compliance officer and reviewed.
 */
@CareLoopIntegrationTest
class PurposeOfUseApiTest {

    private static final String PURPOSE = "X-Purpose-Of-Use";
    private static final String BREAK_GLASS = "X-Break-Glass-Reason";

    @LocalServerPort
    int port;

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
    void aRecipientReadsARecordSharedForTreatmentOnlyForTreatment() {
        String id = shareRecord(gp, share(upload(gp, uniqueDocument("Care plan")), List.of(DERM), inDays(30)));

        for (String purpose : List.of("COC", "HOPERAT", "HCOMPL")) {
            assertThat(status(derm, id, Map.of(PURPOSE, purpose))).as(purpose).isEqualTo(404);
        }
        assertThat(status(derm, id, Map.of(PURPOSE, "TREAT"))).isEqualTo(200);
        assertThat(status(derm, id, Map.of())).as("a clinician's default purpose is TREAT").isEqualTo(200);

        assertThat(events(jdbc, "RecordAccessDenied", id)).extracting(e -> e.payloadText("reason"))
                .containsExactly("the grant allows TREAT, not COC", "the grant allows TREAT, not HOPERAT",
                        "the grant allows TREAT, not HCOMPL");
        assertThat(events(jdbc, "RecordDisclosed", id)).extracting(e -> e.payloadText("purposeOfUse"))
                .containsExactly("TREAT", "TREAT");
    }

    @Test
    void aShareNamingSeveralPurposesAllowsEachOfThem() {
        Map<String, Object> body = share(upload(gp, uniqueDocument("Referral letter")), List.of(DERM), inDays(30));
        body.put("purposes", List.of("COC", "HOPERAT"));
        String id = shareRecord(gp, body);

        assertThat(status(derm, id, Map.of(PURPOSE, "TREAT"))).isEqualTo(200);
        assertThat(status(derm, id, Map.of(PURPOSE, "COC"))).isEqualTo(200);
        assertThat(status(derm, id, Map.of(PURPOSE, "HOPERAT"))).isEqualTo(200);
        assertThat(status(derm, id, Map.of(PURPOSE, "HCOMPL"))).isEqualTo(404);
    }

    @Test
    void anUnknownPurposeIsABadRequestNamingTheCodesAndReadsNothing() {
        String id = shareRecord(gp, share(upload(gp, uniqueDocument("Lab report")), List.of(DERM), inDays(30)));

        CareLoopClient.Response refused = derm.get("/api/records/" + id, h -> h.set(PURPOSE, "RESEARCH"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        JsonNode error = refused.json().get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo(PURPOSE);
        assertThat(error.get("message").asString()).contains("TREAT, COC, HOPERAT, HCOMPL, ETREAT");
        assertThat(status(derm, id, Map.of(PURPOSE, "treat"))).isEqualTo(400);
        assertThat(events(jdbc, "RecordDisclosed", id)).isEmpty();

        CareLoopClient.Response fhir = derm.get("/fhir/DocumentReference/" + id, h -> h.set(PURPOSE, "RESEARCH"));
        assertThat(fhir.status()).isEqualTo(400);
        assertThat(fhir.body()).contains("OperationOutcome").contains("ETREAT");
    }

    @Test
    void aClinicianOfAnOrganisationWithBreakTheGlassReadsOutsideConsentAndTheOwnerReviewsIt() {
        String id = shareRecord(gp, share(upload(gp, uniqueDocument("Allergy list")), List.of(DERM), inDays(30)));

        assertThat(status(cardio, id, Map.of(PURPOSE, "TREAT"))).as("no consent").isEqualTo(404);
        assertThat(status(cardio, id, Map.of(PURPOSE, "ETREAT", BREAK_GLASS, "unconscious in A&E, allergies?")))
                .isEqualTo(200);

        LoggedEvent used = events(jdbc, "EmergencyAccessUsed", id).get(0);
        assertThat(used.payloadText("organisation")).isEqualTo(CARDIO);
        assertThat(used.payloadText("ownerOrganisation")).isEqualTo(GP);
        assertThat(events(jdbc, "RecordDisclosed", id)).extracting(e -> e.payloadText("purposeOfUse"))
                .containsExactly("ETREAT");

        CareLoopClient officer = DemoClinics.at(port).compliance(GP);
        Await.until(Duration.ofSeconds(10), () -> officer.get("/api/audit/emergency-access?reviewed=false").body()
                .contains(id), "the emergency access in the owner's review list");
        JsonNode listed = entryFor(officer.get("/api/audit/emergency-access?reviewed=false").json(), id);
        assertThat(listed.get("organisation").asString()).isEqualTo(CARDIO);
        assertThat(listed.get("justification").asString()).isEqualTo("unconscious in A&E, allergies?");
        assertThat(listed.get("reviewed").asBoolean()).isFalse();
        assertThat(officer.get("/api/audit/disclosures?patient=" + listed.get("patientId").asString()).body())
                .contains("ETREAT");

        String accessId = listed.get("accessId").asString();
        CareLoopClient.Response reviewed = officer.post("/api/records/" + id + "/emergency-access/" + accessId
                + "/review", Map.of("note", "Justified: patient arrived unconscious"));
        assertThat(reviewed.status()).as(reviewed.body()).isEqualTo(200);
        Await.until(Duration.ofSeconds(10), () -> officer.get("/api/audit/emergency-access?reviewed=true").body()
                .contains(accessId), "the review in the list");
        assertThat(officer.get("/api/audit/emergency-access?reviewed=false").body()).doesNotContain(accessId);
        assertThat(DemoClinics.at(port).compliance(DERM).get("/api/audit/emergency-access").body())
                .doesNotContain(accessId);
    }

    @Test
    void breakTheGlassIsRefusedWhereItIsOffAndWithoutAJustification() {
        String id = shareRecord(gp, share(upload(gp, uniqueDocument("Medication list")), List.of(CARDIO),
                inDays(30)));
        CareLoopClient lakesideOfficer = DemoClinics.at(port).compliance(CARDIO);

        assertThat(status(derm, id, Map.of(PURPOSE, "ETREAT", BREAK_GLASS, "collapsed in clinic")))
                .as("riverside-derm has break-the-glass off").isEqualTo(404);
        assertThat(status(cardio, id, Map.of(PURPOSE, "ETREAT"))).as("no justification").isEqualTo(400);
        // A compliance officer downloads no clinical document at all: the route refuses before any consent decision.
        assertThat(status(lakesideOfficer, id, Map.of(PURPOSE, "ETREAT", BREAK_GLASS, "curious")))
                .as("not a clinician").isEqualTo(403);

        assertThat(events(jdbc, "EmergencyAccessUsed", id)).isEmpty();
        assertThat(events(jdbc, "RecordDisclosed", id)).isEmpty();
        assertThat(events(jdbc, "RecordAccessDenied", id)).extracting(e -> e.payloadText("reason"))
                .contains("break-the-glass refused: it is not enabled for the organisation");
    }

    private static int status(CareLoopClient client, String recordId, Map<String, String> headers) {
        return client.download("/api/records/" + recordId + "/content", h -> headers.forEach(h::set))
                .getStatusCode().value();
    }

    private static JsonNode entryFor(JsonNode list, String recordId) {
        for (JsonNode entry : list) {
            if (recordId.equals(entry.get("recordId").asString())) {
                return entry;
            }
        }
        throw new AssertionError("no emergency access to " + recordId + " in " + list);
    }
}

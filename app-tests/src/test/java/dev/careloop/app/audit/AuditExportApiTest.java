package dev.careloop.app.audit;

import dev.careloop.app.Await;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A patient's history exported by a compliance officer as a FHIR Bundle and as CSV, over HTTP. */
@CareLoopIntegrationTest
class AuditExportApiTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aPatientsHistoryIsExportedAsAuditEventsWithTheProvenanceOfEachChangeAndAsCsv() {
        CareLoopClient gp = DemoClinics.at(port).gp();
        CareLoopClient derm = DemoClinics.at(port).derm();
        CareLoopClient officer = DemoClinics.at(port).client("northside-gp-compliance");
        Response sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm",
                "EXPORT-" + UUID.randomUUID().toString().substring(0, 8)));
        String referralId = sent.json().get("referralId").asString();
        String patientId = sent.json().get("patient").get("patientId").asString();
        assertThat(derm.post("/api/referrals/" + referralId + "/accept", null).status()).isEqualTo(200);
        Await.until(Duration.ofSeconds(10), () -> entries(officer, patientId) >= 2, "the trail to hold both changes");

        Response fhir = officer.get("/api/audit/export?patient=" + patientId + "&format=fhir");
        Response csv = officer.get("/api/audit/export?patient=" + patientId + "&format=csv");

        assertThat(fhir.status()).as(fhir.body()).isEqualTo(200);
        assertThat(fhir.header("Content-Type")).startsWith("application/fhir+json");
        Bundle bundle = R4ChangeProjector.fhirContext().newJsonParser().parseResource(Bundle.class, fhir.body());
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
        // One AuditEvent per entry: the two changes (and the officer's own searches about the patient, once in the trail).
        assertThat(bundle.getEntry()).filteredOn(e -> e.getResource() instanceof AuditEvent)
                .extracting(e -> ((AuditEvent) e.getResource()).getSubtype().get(1).getCode())
                .contains("ReferralSent", "ReferralAccepted");
        assertThat(bundle.getEntry()).filteredOn(e -> e.getResource() instanceof Provenance)
                .extracting(e -> e.getResource().getIdPart())
                .containsExactly(referralId + "-1", referralId + "-2");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).startsWith("text/csv");
        String[] lines = csv.body().split("\r\n");
        // the header and at least the two changes (the officer's own reads join the trail as they are written)
        assertThat(lines.length).isGreaterThanOrEqualTo(3);
        assertThat(lines[0]).startsWith("\"time\",\"globalIndex\"");
        assertThat(csv.body()).contains("\"ReferralSent\"").contains("\"ReferralAccepted\"");
        // Each export is itself an audited read of the trail.
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE payload_type = "
                + "'dev.careloop.api.audit.AuditTrailRead' AND position(convert_to(?, 'UTF8') in payload) > 0 "
                + "AND position(convert_to('export', 'UTF8') in payload) > 0", Long.class, patientId)).isEqualTo(2);
    }

    @Test
    void aRequestIdThatASpreadsheetWouldRunIsExportedAsText() {
        CareLoopClient gp = DemoClinics.at(port).gp();
        CareLoopClient officer = DemoClinics.at(port).client("northside-gp-compliance");
        Response sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm",
                "CSV-" + UUID.randomUUID().toString().substring(0, 8)), h -> h.set("X-Request-Id", "-2-3"));
        String patientId = sent.json().get("patient").get("patientId").asString();
        Await.until(Duration.ofSeconds(10), () -> entries(officer, patientId) >= 1, "the trail to hold the referral");

        Response csv = officer.get("/api/audit/export?patient=" + patientId + "&format=csv");

        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body()).contains("\"'-2-3\"").doesNotContain("\"-2-3\"");
    }

    @Test
    void anExportNamesAPatientOrAPeriodAndIsForOfficersOnly() {
        assertThat(DemoClinics.at(port).client("northside-gp-compliance").get("/api/audit/export").status())
                .isEqualTo(400);
        assertThat(DemoClinics.at(port).gp().get("/api/audit/export?patient=x").status())
                .isEqualTo(403);
    }

    /** How many entries the officer's trail holds for the patient; none while the trail does not know them yet. */
    private static long entries(CareLoopClient officer, String patientId) {
        Response found = officer.get("/api/audit?patient=" + patientId);
        return found.status() == 200 ? found.json().get("totalItems").asLong() : 0;
    }
}

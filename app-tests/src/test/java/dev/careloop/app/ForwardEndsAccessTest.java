package dev.careloop.app;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.careloop.app.DemoClinics.CARDIO;
import static dev.careloop.app.DemoClinics.DERM;
import static dev.careloop.app.DemoClinics.GP;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 21's forward scenario end to end: northside-gp refers to riverside-derm, which forwards to lakeside-cardio;
 * lakeside-cardio accepts and writes an interim note. riverside-derm sees nothing written after its forward:
 * not on the REST API, not on /fhir, not through its partner EHR, not in its officers' audit trail.
 */
@CareLoopIntegrationTest
class ForwardEndsAccessTest {

    private static final String NOTE = "Echo: moderate aortic stenosis " + UUID.randomUUID();

    @LocalServerPort
    int port;

    private final WireMockServer partners = new WireMockServer(options().dynamicPort());
    private final List<String> registered = new ArrayList<>();
    private CareLoopClient admin;

    @BeforeEach
    void partnerEhrs() {
        partners.start();
        partners.stubFor(post("/derm/fhir").willReturn(okJson("{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}")));
        partners.stubFor(post("/gp/fhir").willReturn(okJson("{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}")));
        admin = DemoClinics.at(port).admin();
    }

    @AfterEach
    void stopPartners() {
        registered.forEach(id -> admin.post("/api/admin/partners/" + id + "/deactivate", null));
        partners.stop();
    }

    @Test
    void theForwardingOrganisationSeesNothingWrittenAfterItsForwardAnywhere() {
        register(DERM, "/derm/fhir");
        register(GP, "/gp/fhir");
        CareLoopClient gp = DemoClinics.at(port).gp();
        CareLoopClient derm = DemoClinics.at(port).derm();
        CareLoopClient cardio = DemoClinics.at(port).cardio();

        CareLoopClient.Response sent = gp.post("/api/referrals",
                CareLoopClient.referralTo(DERM, "MRN-FWD-" + UUID.randomUUID().toString().substring(0, 8)));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        String id = sent.json().get("referralId").asString();
        String patient = sent.json().get("patient").get("patientId").asString();
        ok(derm.post("/api/referrals/" + id + "/forward", Map.of("toOrganisation", CARDIO,
                "reason", "Palpitations: cardiology first")));
        ok(cardio.post("/api/referrals/" + id + "/accept", null));
        ok(cardio.post("/api/referrals/" + id + "/interim-note", Map.of("note", NOTE)));

        // REST: the referral as it was when riverside-derm forwarded it (version 2), and no later word.
        CareLoopClient.Response view = derm.get("/api/referrals/" + id);
        assertThat(view.status()).isEqualTo(200);
        assertThat(view.json().get("version").asLong()).isEqualTo(2);
        assertThat(view.json().get("recipientOrganisation").asString()).isEqualTo(CARDIO);
        assertThat(view.json().get("status").asString()).isEqualTo("created");
        assertThat(gp.get("/api/referrals/" + id).json().get("version").asLong()).isEqualTo(4);
        CareLoopClient.Response timeline = derm.get("/api/referrals/" + id + "/timeline");
        assertThat(events(timeline.json())).containsExactly("ReferralSent", "ReferralForwarded");
        assertThat(timeline.body()).doesNotContain(NOTE);
        assertThat(events(gp.get("/api/referrals/" + id + "/timeline").json()))
                .containsExactly("ReferralSent", "ReferralForwarded", "ReferralAccepted", "InterimNoteSent");
        assertThat(derm.get("/api/referrals?patient=" + patient).status()).isEqualTo(404);
        assertThat(derm.get("/api/patients/" + patient + "/summary").status()).isEqualTo(404);
        assertThat(gp.get("/api/patients/" + patient + "/summary").status()).isEqualTo(200);
        JsonNode parties = derm.get("/api/referrals/" + id + "/parties").json();
        assertThat(parties.toString()).contains(GP, DERM, CARDIO);
        JsonNode dermParty = parties.get(1);
        assertThat(dermParty.get("organisation").asString()).isEqualTo(DERM);
        assertThat(dermParty.get("untilSequence").asLong()).isEqualTo(1);

        // FHIR: riverside's EHR reads the Task as of the forward; later versions and the note do not exist for it.
        CareLoopClient ehr = DemoClinics.at(port).client("riverside-ehr");
        CareLoopClient.Response task = ehr.get("/fhir/Task/" + id);
        assertThat(task.status()).as(task.body()).isEqualTo(200);
        assertThat(task.json().get("meta").get("versionId").asString()).isEqualTo("2");
        assertThat(ehr.get("/fhir/Task/" + id + "/_history/3").status()).isEqualTo(404);
        assertThat(ehr.get("/fhir/Task/" + id + "/_history").json().get("entry")).hasSize(2);
        assertThat(ehr.get("/fhir/Communication/" + id + "-4").status()).isEqualTo(404);
        assertThat(ehr.get("/fhir/Task?_id=" + id).body()).doesNotContain(NOTE);
        assertThat(DemoClinics.at(port).client("northside-ehr").get("/fhir/Task/" + id).json().get("meta")
                .get("versionId").asString()).isEqualTo("4");

        // Partner delivery: northside's EHR gets all four changes; riverside's the send and, last, the forward.
        List<LoggedRequest> toGp = await("/gp/fhir", 4);
        assertThat(toGp).hasSize(4);
        // riverside's processor runs on its own: once it has looked at every event, it has sent exactly two.
        String dermPartner = registered.get(0);
        Await.until(Duration.ofSeconds(20), () -> admin.get("/api/admin/partners/" + dermPartner).json()
                .get("health").get("backlog").asLong() == 0, "riverside's partner caught up with the log");
        List<LoggedRequest> toDerm = partners.findAll(postRequestedFor(urlEqualTo("/derm/fhir")));
        assertThat(toDerm).hasSize(2);
        Task last = (Task) R4ChangeProjector.fhirContext().newJsonParser()
                .parseResource(Bundle.class, toDerm.get(1).getBodyAsString()).getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource).filter(r -> r instanceof Task).findFirst()
                .orElseThrow();
        assertThat(last.getOwner().getReference()).endsWith(CARDIO);
        assertThat(toDerm).noneMatch(r -> r.getBodyAsString().contains(NOTE));

        // Audit: riverside's officer sees the referral's trail up to its forward.
        CareLoopClient dermOfficer = DemoClinics.at(port).compliance(DERM);
        CareLoopClient gpOfficer = DemoClinics.at(port).compliance(GP);
        Await.until(Duration.ofSeconds(10), () -> gpOfficer.get("/api/audit?referral=" + id).body()
                .contains("InterimNoteSent"), "the note in the initiator's trail");
        String dermTrail = dermOfficer.get("/api/audit?referral=" + id + "&size=500").body();
        assertThat(dermTrail).contains("ReferralForwarded").doesNotContain("InterimNoteSent")
                .doesNotContain("ReferralAccepted").doesNotContain(NOTE);
        // Its as-of view of the referral stops at the forward, and says so; the initiator's does not.
        String now = java.time.Instant.now().toString();
        CareLoopClient.Response asOf = dermOfficer.get("/api/audit/referrals/" + id + "?asOf=" + now);
        assertThat(asOf.status()).as(asOf.body()).isEqualTo(200);
        assertThat(asOf.json().get("version").asLong()).isEqualTo(2);
        assertThat(asOf.json().get("asOfClampedTo").asString()).isNotBlank();
        assertThat(asOf.body()).doesNotContain(NOTE);
        CareLoopClient.Response diff = dermOfficer.get("/api/audit/referrals/" + id + "/diff?from="
                + asOf.json().get("asOfClampedTo").asString() + "&to=" + now);
        assertThat(diff.json().get("changes")).isEmpty();
        assertThat(diff.json().get("clampedTo").asString()).isEqualTo(asOf.json().get("asOfClampedTo").asString());
        JsonNode gpAsOf = gpOfficer.get("/api/audit/referrals/" + id + "?asOf=" + now).json();
        assertThat(gpAsOf.get("version").asLong()).isEqualTo(4);
        assertThat(gpAsOf.has("asOfClampedTo")).isFalse();
    }

    @Test
    void theReferralsRecordsGoWithItTheForwarderLosesAccessTheNewRecipientGainsItTheInitiatorKeepsIt() {
        CareLoopClient gp = DemoClinics.at(port).gp();
        CareLoopClient derm = DemoClinics.at(port).derm();
        CareLoopClient cardio = DemoClinics.at(port).cardio();
        CareLoopClient.Response sent = gp.post("/api/referrals",
                CareLoopClient.referralTo(DERM, "MRN-DOC-" + UUID.randomUUID().toString().substring(0, 8)));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        String id = sent.json().get("referralId").asString();
        byte[] letter = SharedRecords.uniqueDocument("Referral letter");
        String gpRecord = SharedRecords.shareRecord(gp, onReferral(SharedRecords.upload(gp, letter), id));
        byte[] photo = SharedRecords.uniqueDocument("Dermatoscopy photo");
        String dermRecord = SharedRecords.shareRecord(derm, onReferral(SharedRecords.upload(derm, photo), id));
        assertThat(derm.download("/api/records/" + gpRecord + "/content", h -> { }).getStatusCode().value())
                .isEqualTo(200);
        assertThat(cardio.download("/api/records/" + gpRecord + "/content", h -> { }).getStatusCode().value())
                .isEqualTo(404);

        ok(derm.post("/api/referrals/" + id + "/forward", Map.of("toOrganisation", CARDIO,
                "reason", "Palpitations: cardiology first")));

        // REST: the letter left riverside-derm with the referral; lakeside-cardio reads it; northside keeps it.
        assertThat(derm.download("/api/records/" + gpRecord + "/content", h -> { }).getStatusCode().value())
                .isEqualTo(404);
        Await.until(Duration.ofSeconds(10), () -> derm.get("/api/records/" + gpRecord).status() == 404,
                "the letter gone from riverside-derm's records");
        assertThat(cardio.download("/api/records/" + gpRecord + "/content", h -> { }).getBody()).isEqualTo(letter);
        assertThat(gp.download("/api/records/" + gpRecord + "/content", h -> { }).getBody()).isEqualTo(letter);
        // riverside-derm's own photo stays its own, and goes to lakeside-cardio too.
        assertThat(derm.download("/api/records/" + dermRecord + "/content", h -> { }).getBody()).isEqualTo(photo);
        assertThat(cardio.download("/api/records/" + dermRecord + "/content", h -> { }).getBody()).isEqualTo(photo);
        assertThat(gp.download("/api/records/" + dermRecord + "/content", h -> { }).getBody()).isEqualTo(photo);
        Await.until(Duration.ofSeconds(10), () -> gp.get("/api/records/" + gpRecord).json().get("grants").size() == 2,
                "both grants in the author's view");
        JsonNode grants = gp.get("/api/records/" + gpRecord).json().get("grants");
        assertThat(grants.get(0).get("organisation").asString()).isEqualTo(CARDIO);
        assertThat(grants.get(0).get("status").asString()).isEqualTo("active");
        assertThat(grants.get(1).get("organisation").asString()).isEqualTo(DERM);
        assertThat(grants.get(1).get("status").asString()).isEqualTo("revoked");
        assertThat(grants.get(1).get("revokeReason").asString())
                .isEqualTo("the referral was forwarded to " + CARDIO);
        assertThat(cardio.get("/api/records?box=shared-with-me&referral=" + id).json().get("totalItems").asLong())
                .isEqualTo(2);

        // FHIR: riverside-derm no longer reads the document or its consent; lakeside-cardio does.
        Await.until(Duration.ofSeconds(10), () -> cardio.get("/fhir/Consent/" + gpRecord).status() == 200,
                "the consent naming lakeside-cardio");
        assertThat(derm.get("/fhir/DocumentReference/" + gpRecord).status()).isEqualTo(404);
        assertThat(derm.get("/fhir/Consent/" + gpRecord).status()).isEqualTo(404);
        assertThat(DemoClinics.at(port).client("riverside-ehr").get("/fhir/DocumentReference/" + gpRecord).status())
                .isEqualTo(404);
        assertThat(cardio.get("/fhir/DocumentReference/" + gpRecord).status()).isEqualTo(200);
        assertThat(cardio.get("/fhir/Consent/" + gpRecord).body()).contains("Organization/" + CARDIO)
                .doesNotContain("Organization/" + DERM);

        // Audit: riverside's officer sees its access end, and nothing of the record after it.
        CareLoopClient dermOfficer = DemoClinics.at(port).compliance(DERM);
        CareLoopClient gpOfficer = DemoClinics.at(port).compliance(GP);
        String trail = "/api/audit?record=" + gpRecord + "&size=500";
        Await.until(Duration.ofSeconds(10), () -> entries(gpOfficer.get(trail).json()).contains(
                "RecordDisclosed by " + CARDIO), "lakeside's read in the initiator's trail");
        List<String> gpTrail = entries(gpOfficer.get(trail).json());
        assertThat(gpTrail).contains("RecordAccessRevoked by " + DERM, "RecordAccessGranted by " + DERM,
                "RecordDisclosed by " + DERM, "RecordDisclosed by " + CARDIO);
        JsonNode dermTrail = dermOfficer.get(trail).json();
        // The grant is its own forward's doing (an entry it acted in); lakeside's later read is not its business.
        assertThat(entries(dermTrail)).contains("RecordShared by " + GP, "RecordDisclosed by " + DERM,
                "RecordAccessRevoked by " + DERM).doesNotContain("RecordDisclosed by " + CARDIO);
        assertThat(dermTrail.toString()).contains("the access of " + DERM + " to record");
        assertThat(gpOfficer.get(trail).body()).contains(CARDIO + " was given access to record");
    }

    /** "EventType by organisation" for each entry of an audit page. */
    private static List<String> entries(JsonNode page) {
        List<String> entries = new ArrayList<>();
        page.get("items").forEach(e -> entries.add(e.get("eventType").asString() + " by "
                + e.get("organisation").asString()));
        return entries;
    }

    private static Map<String, Object> onReferral(String sha, String referral) {
        Map<String, Object> body = SharedRecords.share(sha, List.of(), SharedRecords.inDays(30));
        body.remove("patient");
        body.put("referralId", referral);
        return body;
    }

    private void register(String organisation, String path) {
        String partnerId = organisation + "-" + UUID.randomUUID().toString().substring(0, 8);
        CareLoopClient.Response made = admin.post("/api/admin/partners", Map.of("id", partnerId,
                "organisation", organisation, "baseUrl", partners.baseUrl() + path, "mode", "transaction",
                "resourceTypes", List.of("ServiceRequest", "Task", "Provenance", "Communication"),
                "auth", Map.of("type", "bearer", "token", "inbound-" + partnerId)));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        registered.add(partnerId);
    }

    private List<LoggedRequest> await(String path, int count) {
        Await.until(Duration.ofSeconds(20), () -> partners.findAll(postRequestedFor(urlEqualTo(path))).size() >= count,
                count + " deliveries to " + path);
        return partners.findAll(postRequestedFor(urlEqualTo(path)));
    }

    private static void ok(CareLoopClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    private static List<String> events(JsonNode timeline) {
        List<String> types = new ArrayList<>();
        timeline.forEach(e -> types.add(e.get("event").asString()));
        return types;
    }
}

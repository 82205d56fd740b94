package dev.careloop.app;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.careloop.app.SharedRecords.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records attached to a referral: the referral's log records the attachment in the same transaction that
 * creates the record, its other party gets access, and the receiving clinic returns notes and the outcome
 * with records attached to the referral.
 */
@CareLoopIntegrationTest
class ReferralRecordsApiTest {

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
    void recordSharedWithAReferralIsOnItsTimelineAndTheOtherPartyCanReadIt() {
        String referral = referral();
        byte[] letter = uniqueDocument("Referral letter");

        String id = shareRecord(gp, withReferral(upload(gp, letter), referral));

        JsonNode record = gp.get("/api/records/" + id).json();
        assertThat(record.get("referralId").asString()).isEqualTo(referral);
        assertThat(record.get("patient").get("identifierValue").asString()).isEqualTo(mrnOf(referral));
        var download = derm.download("/api/records/" + id + "/content", h -> { });
        assertThat(download.getBody()).isEqualTo(letter);
        assertThat(download.getHeaders().getFirst("Content-Disposition"))
                .isEqualTo("attachment; filename=\"" + record.get("title").asString() + ".md\"");
        // The share answers once the record's own view has it; the referral's timeline has it from its own group.
        Await.until(java.time.Duration.ofSeconds(10), () -> eventTypes(gp.get("/api/referrals/" + referral
                + "/timeline").json()).contains("RecordAttached"), "the attachment on the referral's timeline");
        List<String> events = eventTypes(gp.get("/api/referrals/" + referral + "/timeline").json());
        assertThat(events).containsExactly("ReferralSent", "RecordAttached");
        JsonNode attached = gp.get("/api/referrals/" + referral + "/timeline").json().get(1).get("details");
        assertThat(attached.get("recordId").asString()).isEqualTo(id);
        assertThat(attached.get("documentType").get("code").asString()).isEqualTo("18842-5");
        assertThat(derm.get("/api/referrals/" + referral).json().get("recordIds").get(0).asString()).isEqualTo(id);
        assertThat(derm.get("/api/records?box=shared-with-me&referral=" + referral).json().get("totalItems").asLong())
                .isEqualTo(1);
    }

    @Test
    void receivingClinicReturnsTheOutcomeWithARecordTheReferringClinicCanRead() {
        String referral = referral();
        assertThat(derm.post("/api/referrals/" + referral + "/accept", null).status()).isEqualTo(200);
        byte[] report = uniqueDocument("Consult report");
        String id = shareRecord(derm, withReferral(upload(derm, report), referral));

        var outcome = derm.post("/api/referrals/" + referral + "/outcome",
                Map.of("report", "Benign; see the attached report", "recordIds", List.of(id)));

        assertThat(outcome.status()).as(outcome.body()).isEqualTo(200);
        assertThat(gp.download("/api/records/" + id + "/content", h -> { }).getBody()).isEqualTo(report);
        JsonNode timeline = gp.get("/api/referrals/" + referral + "/timeline").json();
        assertThat(eventTypes(timeline)).containsExactly("ReferralSent", "ReferralAccepted", "RecordAttached",
                "OutcomeSent");
        assertThat(timeline.get(3).get("details").get("recordIds").get(0).asString()).isEqualTo(id);
    }

    @Test
    void interimNoteWithARecordTheReferralDoesNotHaveIsRefused() {
        String referral = referral();
        derm.post("/api/referrals/" + referral + "/accept", null);
        Map<String, Object> unrelated = share(upload(derm, uniqueDocument("Unrelated")), List.of(GP), inDays(30));
        unrelated.put("patient", Map.of("identifierSystem", "https://riverside-derm.example/mrn",
                "identifierValue", "RD-" + UUID.randomUUID().toString().substring(0, 8), "name", "Alex Morgan",
                "birthDate", "1980-04-02"));
        String elsewhere = shareRecord(derm, unrelated);

        var refused = derm.post("/api/referrals/" + referral + "/interim-note",
                Map.of("note", "Biopsy taken", "recordIds", List.of(elsewhere)));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("recordIds");
        assertThat(eventTypes(derm.get("/api/referrals/" + referral + "/timeline").json()))
                .containsExactly("ReferralSent", "ReferralAccepted");
    }

    @Test
    void organisationThatIsNoPartyCannotAttachARecordAndNothingIsWritten() {
        String referral = referral();
        Map<String, Object> body = withReferral(upload(cardio, uniqueDocument("Intruder")), referral);
        long before = recordEventCount();

        var refused = cardio.post("/api/records", body);

        assertThat(refused.status()).isEqualTo(404);
        assertThat(recordEventCount()).isEqualTo(before);
        assertThat(eventTypes(gp.get("/api/referrals/" + referral + "/timeline").json())).containsExactly("ReferralSent");
    }

    /** The referral takes the record first; when the record itself is then refused, the attachment is gone too. */
    @Test
    void aShareRefusedAfterTheReferralTookItLeavesNoAttachment() {
        String referral = referral();
        Map<String, Object> body = withReferral(upload(gp, uniqueDocument("Shared with itself")), referral);
        body.put("recipients", List.of(GP));
        long before = recordEventCount();

        var refused = gp.post("/api/records", body);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("message").asString())
                .isEqualTo("a clinic cannot share a record with itself");
        assertThat(recordEventCount()).isEqualTo(before);
        assertThat(eventTypes(gp.get("/api/referrals/" + referral + "/timeline").json())).containsExactly("ReferralSent");
    }

    @Test
    void recordAboutAnotherPatientCannotBeAttachedToTheReferral() {
        String referral = referral();
        Map<String, Object> body = share(upload(gp, uniqueDocument("Wrong patient")), List.of(), inDays(30));
        body.put("referralId", referral);

        var refused = gp.post("/api/records", body);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("patient");
        assertThat(eventTypes(gp.get("/api/referrals/" + referral + "/timeline").json())).containsExactly("ReferralSent");
    }

    @Test
    void recordCannotBeAttachedToADeclinedReferral() {
        String referral = referral();
        assertThat(derm.post("/api/referrals/" + referral + "/decline", Map.of("reason", "not for us")).status())
                .isEqualTo(200);

        var refused = gp.post("/api/records", withReferral(upload(gp, uniqueDocument("Too late")), referral));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asString())
                .isEqualTo("a referral that is declined cannot have records attached");
        assertThat(eventTypes(gp.get("/api/referrals/" + referral + "/timeline").json()))
                .containsExactly("ReferralSent", "ReferralDeclined");
    }

    private final Map<String, String> mrns = new LinkedHashMap<>();

    private String referral() {
        String mrn = DemoClinics.mrn("RR");
        String id = DemoClinics.sendReferral(gp, CareLoopClient.referralTo(DERM, mrn)).id();
        mrns.put(id, mrn);
        return id;
    }

    private String mrnOf(String referral) {
        return mrns.get(referral);
    }

    /** A share body naming the referral and no patient or recipient: both come from the referral. */
    private static Map<String, Object> withReferral(String sha, String referral) {
        Map<String, Object> body = share(sha, List.of(), inDays(30));
        body.remove("patient");
        body.put("referralId", referral);
        return body;
    }

    private long recordEventCount() {
        return jdbc.queryForObject("SELECT count(*) FROM event_log WHERE payload_type LIKE 'dev.careloop.api.record.%' "
                + "OR payload_type = 'dev.careloop.api.referral.RecordAttached'", Long.class);
    }

    private static List<String> eventTypes(JsonNode timeline) {
        List<String> types = new ArrayList<>();
        timeline.forEach(e -> types.add(e.get("event").asString()));
        return types;
    }
}

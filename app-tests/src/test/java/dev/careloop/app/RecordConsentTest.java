package dev.careloop.app;

import dev.careloop.app.SharedRecords.LoggedEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.careloop.app.SharedRecords.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may read a shared record's content, decided at the moment of reading, over real HTTP: before it is
 * shared, while it is, after a revocation, after expiry, and for an organisation never named. Every
 * download is a RecordDisclosed event in the log; every refused one a 404 that says nothing, and an audit event.
 */
@CareLoopIntegrationTest
class RecordConsentTest {

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
    void nothingCanBeReadBeforeItIsShared() {
        upload(gp, uniqueDocument("Not shared yet"));
        String notYetShared = UUID.randomUUID().toString();

        assertThat(derm.download("/api/records/" + notYetShared + "/content", h -> { }).getStatusCode().value())
                .isEqualTo(404);
        assertThat(derm.get("/api/records/" + notYetShared).status()).isEqualTo(404);
        assertThat(events(jdbc, "RecordAccessDenied", notYetShared)).singleElement()
                .satisfies(denied -> assertThat(denied.payloadText("reason")).isEqualTo("there is no such record"));
    }

    @Test
    void recipientDownloadsWhileSharedAndTheDownloadIsADisclosureInTheLog() {
        byte[] summary = uniqueDocument("Discharge summary");
        String id = shareRecord(gp, share(upload(gp, summary), List.of(DERM), inDays(30)));

        ResponseEntity<byte[]> download = derm.download("/api/records/" + id + "/content",
                h -> h.set("X-Request-Id", "download-" + id));

        assertThat(download.getStatusCode().value()).isEqualTo(200);
        assertThat(download.getBody()).isEqualTo(summary);
        assertThat(download.getHeaders().getContentType().toString()).isEqualTo("text/markdown");
        assertThat(download.getHeaders().getFirst("X-Record-Version")).isEqualTo("1");
        LoggedEvent disclosed = events(jdbc, "RecordDisclosed", id).get(0);
        assertThat(disclosed.aggregateId()).isEqualTo(id);
        assertThat(disclosed.payloadText("organisation")).isEqualTo(DERM);
        assertThat(disclosed.payloadText("purposeOfUse")).isEqualTo("TREAT");
        assertThat(disclosed.payloadText("sha256")).isEqualTo(sha256(summary));
        assertThat(disclosed.meta("userId")).isEqualTo(DERM + "-staff");
        assertThat(disclosed.meta("correlationId")).isEqualTo("download-" + id);
    }

    @Test
    void purposeOfUseStatedByTheReaderIsRecordedWithTheDisclosure() {
        Map<String, Object> body = share(upload(gp, uniqueDocument("Care plan")), List.of(DERM), inDays(30));
        body.put("purposes", List.of("TREAT", "COC"));
        String id = shareRecord(gp, body);

        assertThat(derm.download("/api/records/" + id + "/content", h -> h.set("X-Purpose-Of-Use", "COC"))
                .getStatusCode().value()).isEqualTo(200);

        assertThat(events(jdbc, "RecordDisclosed", id)).singleElement()
                .satisfies(e -> assertThat(e.payloadText("purposeOfUse")).isEqualTo("COC"));
    }

    @Test
    void authorSeesWhoReadItsRecordButARecipientDoesNot() {
        String id = shareRecord(gp, share(upload(gp, uniqueDocument("Lab report")), List.of(DERM), inDays(30)));
        derm.download("/api/records/" + id + "/content", h -> { });

        await(Duration.ofSeconds(5), () -> gp.get("/api/records/" + id + "/disclosures").json().size() == 1,
                "the disclosure reached the accounting of disclosures");
        var disclosure = gp.get("/api/records/" + id + "/disclosures").json().get(0);
        assertThat(disclosure.get("organisation").asString()).isEqualTo(DERM);
        assertThat(disclosure.get("user").asString()).isEqualTo(DERM + "-staff");
        assertThat(disclosure.get("purposeOfUse").asString()).isEqualTo("TREAT");
        assertThat(disclosure.get("version").asInt()).isEqualTo(1);
        assertThat(derm.get("/api/records/" + id + "/disclosures").status()).isEqualTo(403);
        assertThat(cardio.get("/api/records/" + id + "/disclosures").status()).isEqualTo(404);
    }

    @Test
    void revokedRecipientGetsNotFoundForContentAndMetadataWhileOthersKeepAccess() {
        String id = shareRecord(gp, share(upload(gp, uniqueDocument("Referral letter")), List.of(DERM, CARDIO),
                inDays(30)));
        String title = gp.get("/api/records/" + id).json().get("title").asString();
        assertThat(derm.download("/api/records/" + id + "/content", h -> { }).getStatusCode().value()).isEqualTo(200);

        var revoked = gp.post("/api/records/" + id + "/revoke", Map.of("organisation", DERM,
                "reason", "patient withdrew consent"), h -> h.set(HttpHeaders.IF_MATCH, "\"1\""));
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.header(HttpHeaders.ETAG)).isEqualTo("\"2\"");

        ResponseEntity<byte[]> refused = derm.download("/api/records/" + id + "/content", h -> { });
        assertThat(refused.getStatusCode().value()).isEqualTo(404);
        assertThat(new String(refused.getBody())).doesNotContain(title).doesNotContain("Referral letter");
        var metadata = derm.get("/api/records/" + id);
        assertThat(metadata.status()).isEqualTo(404);
        assertThat(metadata.body()).doesNotContain(title);
        assertThat(derm.get("/api/records?box=shared-with-me&size=200").body()).doesNotContain(id);
        assertThat(cardio.download("/api/records/" + id + "/content", h -> { }).getStatusCode().value())
                .isEqualTo(200);
        assertThat(events(jdbc, "RecordAccessDenied", id)).singleElement().satisfies(denied ->
                assertThat(denied.payloadText("reason")).isEqualTo("access of riverside-derm was revoked"));
    }

    @Test
    void accessEndsAtValidUntilAndTheExpiryIsRecorded() {
        Instant validUntil = Instant.now().plusSeconds(2);
        String id = shareRecord(gp, share(upload(gp, uniqueDocument("Short-lived")), List.of(DERM), validUntil));
        assertThat(derm.download("/api/records/" + id + "/content", h -> { }).getStatusCode().value()).isEqualTo(200);

        await(Duration.ofSeconds(10), () -> Instant.now().isAfter(validUntil), "validUntil passed");
        assertThat(derm.download("/api/records/" + id + "/content", h -> { }).getStatusCode().value()).isEqualTo(404);
        assertThat(derm.get("/api/records/" + id).status()).isEqualTo(404);
        assertThat(gp.download("/api/records/" + id + "/content", h -> { }).getStatusCode().value())
                .as("the author still reads its own record").isEqualTo(200);

        await(Duration.ofSeconds(15), () -> !events(jdbc, "RecordAccessExpired", id).isEmpty(),
                "the expiry deadline fired and recorded RecordAccessExpired");
        await(Duration.ofSeconds(5), () -> gp.get("/api/records/" + id).json().get("grants").get(0).get("status")
                .asString().equals("expired"), "the author sees the access as expired");
    }

    @Test
    void organisationNeverNamedGetsNotFoundAndTheAttemptIsAudited() {
        String id = shareRecord(gp, share(upload(gp, uniqueDocument("Private")), List.of(DERM), inDays(30)));

        ResponseEntity<byte[]> refused = cardio.download("/api/records/" + id + "/content",
                h -> h.set("X-Request-Id", "stranger-" + id));

        assertThat(refused.getStatusCode().value()).isEqualTo(404);
        assertThat(new String(refused.getBody())).contains("no such record").doesNotContain(DERM);
        assertThat(cardio.get("/api/records/" + id).status()).isEqualTo(404);
        LoggedEvent denied = events(jdbc, "RecordAccessDenied", id).get(0);
        assertThat(denied.payloadText("organisation")).isEqualTo(CARDIO);
        assertThat(denied.payloadText("reason")).isEqualTo("the record was not shared with lakeside-cardio");
        assertThat(denied.meta("userId")).isEqualTo(CARDIO + "-staff");
        assertThat(denied.meta("correlationId")).isEqualTo("stranger-" + id);
        assertThat(denied.aggregateType()).as("published on its own, not as an event of the record").isNull();
        assertThat(events(jdbc, "RecordDisclosed", id)).isEmpty();
    }

    @Test
    void amendingWithoutIfMatchIsPreconditionRequiredAndKeepsTheDocument() {
        byte[] first = uniqueDocument("Histology, preliminary");
        String id = shareRecord(gp, share(upload(gp, first), List.of(DERM), inDays(30)));

        var refused = gp.post("/api/records/" + id + "/amend", Map.of("contentSha256",
                upload(gp, uniqueDocument("Histology, final")), "reason", "final report"));

        assertThat(refused.status()).as(refused.body()).isEqualTo(428);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("If-Match");
        assertThat(derm.download("/api/records/" + id + "/content", h -> { }).getBody()).isEqualTo(first);
    }

    @Test
    void amendedRecordKeepsEveryVersionDownloadableByNumber() {
        byte[] first = uniqueDocument("Histology, preliminary");
        byte[] second = uniqueDocument("Histology, final");
        String id = shareRecord(gp, share(upload(gp, first), List.of(DERM), inDays(30)));

        var amended = gp.post("/api/records/" + id + "/amend", Map.of("contentSha256", upload(gp, second),
                "reason", "final report"), h -> h.set(HttpHeaders.IF_MATCH, "\"1\""));
        assertThat(amended.status()).as(amended.body()).isEqualTo(200);
        assertThat(amended.json().get("currentVersion").asInt()).isEqualTo(2);

        assertThat(derm.download("/api/records/" + id + "/content", h -> { }).getBody()).isEqualTo(second);
        assertThat(derm.download("/api/records/" + id + "/content?version=1", h -> { }).getBody()).isEqualTo(first);
        assertThat(derm.download("/api/records/" + id + "/content?version=3", h -> { }).getStatusCode().value())
                .isEqualTo(404);
        var versions = derm.get("/api/records/" + id + "/versions").json();
        assertThat(versions).hasSize(2);
        assertThat(versions.get(1).get("reason").asString()).isEqualTo("final report");
        var stale = gp.post("/api/records/" + id + "/amend", Map.of("contentSha256", upload(gp,
                uniqueDocument("Histology, addendum")), "reason", "addendum"), h -> h.set(HttpHeaders.IF_MATCH, "\"1\""));
        assertThat(stale.status()).isEqualTo(409);
    }

    @Test
    void recipientCannotAmendOrRevoke() {
        String id = shareRecord(gp, share(upload(gp, uniqueDocument("Letter")), List.of(DERM), inDays(30)));

        assertThat(derm.post("/api/records/" + id + "/revoke", Map.of("organisation", DERM, "reason", "x"))
                .status()).isEqualTo(403);
        assertThat(cardio.post("/api/records/" + id + "/revoke", Map.of("organisation", DERM, "reason", "x"))
                .status()).isEqualTo(404);
    }

    @Test
    void listsShowWhatWasSharedWithYouAndByYou() {
        String id = shareRecord(gp, share(upload(gp, uniqueDocument("Listed")), List.of(DERM), inDays(30)));

        assertThat(derm.get("/api/records?box=shared-with-me&size=200").body()).contains(id);
        assertThat(gp.get("/api/records?box=shared-by-me&size=200").body()).contains(id);
        assertThat(derm.get("/api/records?box=shared-by-me&size=200").body()).doesNotContain(id);
        assertThat(cardio.get("/api/records?size=200").body()).doesNotContain(id);
        String patient = gp.get("/api/records/" + id).json().get("patient").get("patientId").asString();
        var byPatient = derm.get("/api/records?box=shared-with-me&patient=" + patient).json();
        assertThat(byPatient.get("totalItems").asLong()).isEqualTo(1);
        assertThat(byPatient.get("items").get(0).get("grants")).hasSize(1);
    }

    @Test
    void retriedShareWithTheSameIdempotencyKeyReturnsTheFirstAnswerAndSharesOnce() {
        Map<String, Object> body = share(upload(gp, uniqueDocument("Retried")), List.of(DERM), inDays(30));
        String key = "share-" + UUID.randomUUID();

        var first = gp.post("/api/records", body, h -> h.set("Idempotency-Key", key));
        var retried = gp.post("/api/records", body, h -> h.set("Idempotency-Key", key));

        assertThat(first.status()).isEqualTo(201);
        assertThat(retried.status()).isEqualTo(201);
        assertThat(retried.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retried.body()).isEqualTo(first.body());
        String id = first.json().get("recordId").asString();
        // The title is sealed in the log; the document's hash names the share.
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_log WHERE payload_type = "
                + "'dev.careloop.api.record.RecordShared' AND payload->'content'->>'sha256' = ?", Long.class,
                body.get("contentSha256"))).isEqualTo(1);
        assertThat(first.header(HttpHeaders.LOCATION)).isEqualTo("/api/records/" + id);
    }

    @Test
    void shareIsRefusedNamingEveryBadFieldAndWritesNothing() {
        var invalid = gp.post("/api/records", Map.of("recipients", List.of(DERM), "title", "",
                "contentSha256", "nothex", "purpose", "GOSSIP", "validUntil", "2001-01-01T00:00:00Z"));

        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body()).contains("documentType", "title", "contentSha256", "purpose", "validUntil");
    }

    @Test
    void contentUploadedByAnotherOrganisationCannotBeShared() {
        String dermContent = upload(derm, uniqueDocument("Derm's own"));

        var refused = gp.post("/api/records", share(dermContent, List.of(DERM), inDays(30)));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("contentSha256");
    }

    @Test
    void sharingWithAnUnknownOrganisationIsRefusedNamingTheRecipients() {
        var refused = gp.post("/api/records", share(upload(gp, uniqueDocument("Nowhere")),
                List.of("nowhere-clinic"), inDays(30)));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("recipients");
    }
}

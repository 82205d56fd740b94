package dev.careloop.app;

import dev.careloop.api.Patient;
import dev.careloop.app.CareLoopClient.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static dev.careloop.app.DemoClinics.CARDIO;
import static dev.careloop.app.DemoClinics.DERM;
import static dev.careloop.app.DemoClinics.GP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The referral REST contract of docs/API.md as a user meets it: real tokens, real HTTP, one shared database
 * (so every test makes its own referrals, with its own MRNs, and compares counts relative to before).
 */
@CareLoopIntegrationTest
class ReferralApiTest {


    @LocalServerPort
    int port;

    private CareLoopClient gp;
    private CareLoopClient derm;
    private CareLoopClient cardio;

    @BeforeEach
    void clients() {
        gp = DemoClinics.at(port).gp();
        derm = DemoClinics.at(port).derm();
        cardio = DemoClinics.at(port).cardio();
    }

    // --- 1. the closed loop -------------------------------------------------------------------------

    @Test
    void sentReferralIsCreatedWithLocationAndFirstVersion() {
        Response sent = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, mrn()));

        assertThat(sent.status()).isEqualTo(201);
        String id = sent.json().get("referralId").asString();
        assertThat(sent.header(HttpHeaders.LOCATION)).isEqualTo("/api/referrals/" + id);
        assertThat(sent.header(HttpHeaders.ETAG)).isEqualTo("\"1\"");
        assertThat(sent.json().get("status").asString()).isEqualTo("created");
        assertThat(sent.json().get("taskStatus").asString()).isEqualTo("received");
        assertThat(sent.json().get("businessStatus").asString()).isEqualTo("2.0");
        assertThat(sent.json().get("initiatorOrganisation").asString()).isEqualTo(GP);
        assertThat(sent.json().get("recipientOrganisation").asString()).isEqualTo(DERM);
    }

    @Test
    void sentReferralIsInTheRecipientsInboxAndTheSendersOutboxOnly() {
        JsonNode sent = send(gp, CareLoopClient.referralTo(DERM, mrn()));
        String id = sent.get("referralId").asString();
        String patient = patientId(sent);

        assertThat(ids(derm, "box=inbox&patient=" + patient)).containsExactly(id);
        assertThat(ids(gp, "box=outbox&patient=" + patient)).containsExactly(id);
        assertThat(ids(derm, "box=outbox&patient=" + patient)).isEmpty();
        assertThat(ids(gp, "box=inbox&patient=" + patient)).isEmpty();
    }

    @Test
    void walkThroughClosesTheLoopWithEachWriteVisibleAtItsNewVersion() {
        String id = send(gp, CareLoopClient.referralTo(DERM, mrn())).get("referralId").asString();

        JsonNode accepted = write(derm, id, "accept", null, 2);
        assertThat(accepted.get("status").asString()).isEqualTo("accepted");
        assertThat(accepted.get("taskStatus").asString()).isEqualTo("accepted");
        assertThat(accepted.get("businessStatus").asString()).isEqualTo("3.0");

        Instant start = Instant.now().plus(7, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        JsonNode scheduled = write(derm, id, "schedule", appointment(start), 3);
        assertThat(scheduled.get("status").asString()).isEqualTo("scheduled");
        assertThat(scheduled.get("taskStatus").asString()).isEqualTo("in-progress");
        assertThat(scheduled.get("businessStatus").asString()).isEqualTo("5.1.1");
        assertThat(Instant.parse(scheduled.get("appointment").get("start").asString())).isEqualTo(start);

        JsonNode noted = write(derm, id, "interim-note", Map.of("note", "Dermoscopy done; biopsy taken"), 4);
        assertThat(noted.get("businessStatus").asString()).isEqualTo("5.1.4");

        JsonNode outcome = write(derm, id, "outcome", Map.of("report", "Benign naevus; no follow-up needed"), 5);
        assertThat(outcome.get("status").asString()).isEqualTo("completed");
        assertThat(outcome.get("taskStatus").asString()).isEqualTo("completed");
        assertThat(outcome.get("loopClosed").asBoolean()).isFalse();

        JsonNode acknowledged = write(gp, id, "acknowledge-outcome", null, 6);
        assertThat(acknowledged.get("loopClosed").asBoolean()).isTrue();
        assertThat(acknowledged.get("taskStatus").asString()).isEqualTo("completed");
        assertThat(acknowledged.get("businessStatus").asString()).isEqualTo("7.0");
    }

    @Test
    void timelineRecordsEveryEventInOrderWithWhoForWhomWhyAndTheRequest() {
        String id = send(gp, CareLoopClient.referralTo(DERM, mrn())).get("referralId").asString();
        Response accepted = derm.post("/api/referrals/" + id + "/accept", null,
                h -> h.set("X-Request-Id", "test-req-1"));
        assertThat(accepted.status()).isEqualTo(200);
        assertThat(accepted.header("X-Request-Id")).isEqualTo("test-req-1");
        write(derm, id, "schedule", appointment(Instant.now().plus(3, ChronoUnit.DAYS)), 3);
        write(derm, id, "interim-note", Map.of("note", "Seen; awaiting histology"), 4);
        write(derm, id, "outcome", Map.of("report", "Benign; discharged"), 5);
        write(gp, id, "acknowledge-outcome", null, 6);

        Response timeline = gp.get("/api/referrals/" + id + "/timeline");

        assertThat(timeline.status()).isEqualTo(200);
        List<JsonNode> entries = list(timeline.json());
        assertThat(entries).extracting(e -> e.get("event").asString()).containsExactly("ReferralSent",
                "ReferralAccepted", "VisitScheduled", "InterimNoteSent", "OutcomeSent", "OutcomeAcknowledged");
        assertThat(entries).extracting(e -> e.get("sequence").asLong()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(entries).extracting(e -> e.get("organisation").asString())
                .containsExactly(GP, DERM, DERM, DERM, DERM, GP);
        assertThat(entries).extracting(e -> e.get("user").asString()).containsExactly(GP + "-staff",
                DERM + "-staff", DERM + "-staff", DERM + "-staff", DERM + "-staff", GP + "-staff");
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.get("roles").asString()).isEqualTo("clinician,coordinator");
            assertThat(e.get("purposeOfUse").asString()).isEqualTo("TREAT");
            assertThat(e.get("occurredAt").asString()).isNotBlank();
            assertThat(e.path("correlationId").asString()).isNotBlank();
        });
        assertThat(entries.get(1).get("correlationId").asString()).isEqualTo("test-req-1");
        assertThat(entries).extracting(e -> e.get("correlationId").asString()).filteredOn("test-req-1"::equals)
                .hasSize(1);
    }

    // --- 2. another organisation sees nothing ------------------------------------------------------

    @Test
    void anUninvolvedOrganisationCannotSeeOrTouchTheReferral() {
        JsonNode sent = send(gp, CareLoopClient.referralTo(DERM, mrn()));
        String id = sent.get("referralId").asString();
        String patient = patientId(sent);

        assertThat(cardio.get("/api/referrals/" + id).status()).isEqualTo(404);
        assertThat(cardio.get("/api/referrals/" + id + "/timeline").status()).isEqualTo(404);
        Map<String, Integer> statusByAction = new LinkedHashMap<>();
        validBodies().forEach((action, body) ->
                statusByAction.put(action, cardio.post("/api/referrals/" + id + "/" + action, body,
                        h -> h.setIfMatch("\"1\"")).status()));
        assertThat(statusByAction).hasSize(15).allSatisfy((action, status) ->
                assertThat(status).as(action).isEqualTo(404));
        for (String box : List.of("all", "inbox", "outbox")) {
            // A patient it takes no part in is one it cannot find: a 404, not an empty list that hides one.
            Response list = cardio.get("/api/referrals?box=" + box + "&patient=" + patient);
            assertThat(list.status()).as(box).isEqualTo(404);
            assertThat(cardio.get("/api/referrals?box=" + box + "&size=200").body()).as(box).doesNotContain(id);
        }
        assertThat(view(gp, id).get("version").asLong()).as("nothing was written").isEqualTo(1);
    }

    // --- 3. invalid input ----------------------------------------------------------------------------

    @Test
    void invalidReferralIsRefusedWithEveryBadFieldListedAndNothingWritten() {
        long outboxBefore = total(gp, "box=outbox");
        Map<String, Object> patient = new HashMap<>();
        patient.put("identifierSystem", "https://northside-gp.example/mrn");
        patient.put("identifierValue", mrn());
        patient.put("birthDate", "2999-01-01");
        Map<String, Object> body = Map.of("recipientOrganisation", " ", "priority", "whenever",
                "service", "Dermatology consultation", "reason", "Changing pigmented lesion", "patient", patient);

        Response refused = gp.post("/api/referrals", body);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header(HttpHeaders.CONTENT_TYPE)).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(list(refused.json().get("errors"))).extracting(e -> e.get("field").asString())
                .containsExactlyInAnyOrder("recipientOrganisation", "patient.name", "priority", "patient.birthDate");
        assertThat(list(refused.json().get("errors"))).allSatisfy(e ->
                assertThat(e.get("message").asString()).isNotBlank());
        assertThat(total(gp, "box=outbox")).isEqualTo(outboxBefore);
    }

    @Test
    void referralToAnUnknownOrganisationIsRefusedNamingTheRecipient() {
        long outboxBefore = total(gp, "box=outbox");

        Response refused = gp.post("/api/referrals", CareLoopClient.referralTo("nowhere-clinic", mrn()));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header(HttpHeaders.CONTENT_TYPE)).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(list(refused.json().get("errors"))).extracting(e -> e.get("field").asString())
                .containsExactly("recipientOrganisation");
        assertThat(total(gp, "box=outbox")).isEqualTo(outboxBefore);
    }

    @Test
    void malformedJsonIsRefusedAsABadRequest() {
        Response refused = gp.post("/api/referrals", "{\"recipientOrganisation\": \"riverside-derm\", ");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header(HttpHeaders.CONTENT_TYPE)).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    }

    // --- 4. conflicts and forbidden actions ---------------------------------------------------------

    @Test
    void staleIfMatchIsRefusedAndLeavesTheReferralUnchanged() {
        String id = send(gp, CareLoopClient.referralTo(DERM, mrn())).get("referralId").asString();
        write(derm, id, "accept", null, 2);

        Response stale = derm.post("/api/referrals/" + id + "/decline", Map.of("reason", "Not our specialty"),
                ifMatch(1));

        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.header(HttpHeaders.CONTENT_TYPE)).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JsonNode after = view(derm, id);
        assertThat(after.get("version").asLong()).isEqualTo(2);
        assertThat(after.get("status").asString()).isEqualTo("accepted");
    }

    @Test
    void declinedReferralCannotBeScheduled() {
        String id = send(gp, CareLoopClient.referralTo(DERM, mrn())).get("referralId").asString();
        write(derm, id, "decline", Map.of("reason", "Please refer to plastic surgery"), 2);

        Response refused = derm.post("/api/referrals/" + id + "/schedule",
                appointment(Instant.now().plus(2, ChronoUnit.DAYS)));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asString())
                .isEqualTo("a referral that is declined cannot be scheduled");
        assertThat(view(derm, id).get("status").asString()).isEqualTo("declined");
    }

    @Test
    void initiatorCannotAcceptItsOwnReferral() {
        String id = send(gp, CareLoopClient.referralTo(DERM, mrn())).get("referralId").asString();

        Response refused = gp.post("/api/referrals/" + id + "/accept", null);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("detail").asString())
                .isEqualTo("only the receiving organisation can accept a referral");
        assertThat(view(gp, id).get("status").asString()).isEqualTo("created");
    }

    // --- 5. idempotency ------------------------------------------------------------------------------

    @Test
    void retriedSendWithTheSameIdempotencyKeyReturnsTheFirstAnswerAndCreatesOneReferral() {
        long outboxBefore = total(gp, "box=outbox");
        Map<String, Object> body = CareLoopClient.referralTo(DERM, mrn());
        Consumer<HttpHeaders> key = idempotencyKey();

        Response first = gp.post("/api/referrals", body, key);
        Response retried = gp.post("/api/referrals", body, key);

        assertThat(first.status()).isEqualTo(201);
        assertThat(retried.status()).isEqualTo(201);
        assertThat(retried.header(HttpHeaders.LOCATION)).isEqualTo(first.header(HttpHeaders.LOCATION));
        assertThat(retried.header(HttpHeaders.ETAG)).isEqualTo(first.header(HttpHeaders.ETAG));
        assertThat(retried.body()).isEqualTo(first.body());
        assertThat(total(gp, "box=outbox")).isEqualTo(outboxBefore + 1);
    }

    @Test
    void reusingAnIdempotencyKeyForADifferentReferralIsRefused() {
        Consumer<HttpHeaders> key = idempotencyKey();
        assertThat(gp.post("/api/referrals", CareLoopClient.referralTo(DERM, mrn()), key).status()).isEqualTo(201);
        long outboxBefore = total(gp, "box=outbox");

        Response reused = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, mrn()), key);

        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.header(HttpHeaders.CONTENT_TYPE)).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(total(gp, "box=outbox")).isEqualTo(outboxBefore);
    }

    @Test
    void retriedAcceptWithTheSameIdempotencyKeyReturnsTheFirstAnswerInsteadOfAConflict() {
        String id = send(gp, CareLoopClient.referralTo(DERM, mrn())).get("referralId").asString();
        Consumer<HttpHeaders> key = idempotencyKey();

        Response first = derm.post("/api/referrals/" + id + "/accept", null, key);
        Response retried = derm.post("/api/referrals/" + id + "/accept", null, key);

        assertThat(first.status()).isEqualTo(200);
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.header(HttpHeaders.ETAG)).isEqualTo(first.header(HttpHeaders.ETAG)).isEqualTo("\"2\"");
        assertThat(retried.body()).isEqualTo(first.body());
        assertThat(view(derm, id).get("version").asLong()).isEqualTo(2);
    }

    // --- 6. forward ----------------------------------------------------------------------------------

    @Test
    void forwardedReferralMovesToTheNewRecipientWithTheRightToAccept() {
        JsonNode sent = send(gp, CareLoopClient.referralTo(DERM, mrn()));
        String id = sent.get("referralId").asString();

        JsonNode forwarded = write(derm, id, "forward",
                Map.of("toOrganisation", CARDIO, "reason", "Palpitations: cardiology first"), 2);

        assertThat(forwarded.get("recipientOrganisation").asString()).isEqualTo(CARDIO);
        assertThat(forwarded.get("status").asString()).isEqualTo("created");
        assertThat(ids(cardio, "box=inbox&patient=" + patientId(sent))).containsExactly(id);
        assertThat(derm.get("/api/referrals/" + id).status()).isEqualTo(200);
        Response dermAccepts = derm.post("/api/referrals/" + id + "/accept", null);
        assertThat(dermAccepts.status()).isEqualTo(403);
        JsonNode accepted = write(cardio, id, "accept", null, 3);
        assertThat(accepted.get("status").asString()).isEqualTo("accepted");
    }

    // --- 7. on hold, refer back ----------------------------------------------------------------------

    @Test
    void requestingInformationPutsTheReferralOnHoldUntilTheInitiatorAnswers() {
        String id = send(gp, CareLoopClient.referralTo(DERM, mrn())).get("referralId").asString();
        write(derm, id, "accept", null, 2);

        JsonNode onHold = write(derm, id, "request-information",
                Map.of("question", "Any family history of melanoma?"), 3);
        assertThat(onHold.get("taskStatus").asString()).isEqualTo("on-hold");
        assertThat(onHold.get("openQuestion").asString()).isEqualTo("Any family history of melanoma?");
        assertThat(view(gp, id).get("taskStatus").asString()).isEqualTo("on-hold");

        JsonNode answered = write(gp, id, "provide-information", Map.of("answer", "Mother, at 52"), 4);
        assertThat(answered.get("status").asString()).isEqualTo("accepted");
        assertThat(answered.get("taskStatus").asString()).isEqualTo("accepted");
        assertThat(answered.path("openQuestion").isNull() || answered.path("openQuestion").isMissingNode()).isTrue();
    }

    @Test
    void referBackOpensANewReferralInTheInitiatorsInboxLinkedToTheOriginal() {
        JsonNode sent = send(gp, CareLoopClient.referralTo(DERM, mrn()));
        String original = sent.get("referralId").asString();
        write(derm, original, "accept", null, 2);

        Response back = derm.post("/api/referrals/" + original + "/refer-back", Map.of("priority", "urgent",
                "service", "GP review", "reason", "Start topical treatment and review in 4 weeks"));

        assertThat(back.status()).isEqualTo(201);
        String newId = back.json().get("referralId").asString();
        assertThat(newId).isNotEqualTo(original);
        assertThat(back.header(HttpHeaders.LOCATION)).isEqualTo("/api/referrals/" + newId);
        assertThat(back.json().get("basedOnReferralId").asString()).isEqualTo(original);
        assertThat(back.json().get("initiatorOrganisation").asString()).isEqualTo(DERM);
        assertThat(back.json().get("recipientOrganisation").asString()).isEqualTo(GP);
        assertThat(ids(gp, "box=inbox&patient=" + patientId(sent))).containsExactly(newId);
        assertThat(view(gp, newId).get("basedOnReferralId").asString()).isEqualTo(original);
    }

    // --- 8. listing ----------------------------------------------------------------------------------

    @Test
    void listFiltersByStatusPriorityAndPatient() {
        String mrn = mrn();
        JsonNode routine = send(gp, referral(mrn, "routine"));
        JsonNode urgent = send(gp, referral(mrn, "urgent"));
        JsonNode stat = send(gp, referral(mrn, "stat"));
        send(gp, referral(mrn(), "urgent"));
        write(derm, urgent.get("referralId").asString(), "accept", null, 2);
        String patient = patientId(routine);

        assertThat(ids(gp, "patient=" + patient)).containsExactlyInAnyOrder(id(routine), id(urgent), id(stat));
        assertThat(ids(gp, "patient=" + patient + "&status=accepted")).containsExactly(id(urgent));
        assertThat(ids(gp, "patient=" + patient + "&status=created"))
                .containsExactlyInAnyOrder(id(routine), id(stat));
        assertThat(ids(gp, "patient=" + patient + "&priority=stat")).containsExactly(id(stat));
        assertThat(ids(derm, "box=inbox&patient=" + patient + "&priority=urgent&status=accepted"))
                .containsExactly(id(urgent));
    }

    @Test
    void listSortsByCreationAndPagesWithTotals() {
        String mrn = mrn();
        String first = id(send(gp, referral(mrn, "routine")));
        String second = id(send(gp, referral(mrn, "routine")));
        String third = id(send(gp, referral(mrn, "routine")));
        String patient = "patient=" + patientId(view(gp, first));

        assertThat(ids(gp, patient + "&sort=createdAt,asc")).containsExactly(first, second, third);
        assertThat(ids(gp, patient + "&sort=createdAt,desc")).containsExactly(third, second, first);
        JsonNode page0 = gp.get("/api/referrals?" + patient + "&sort=createdAt,asc&size=2&page=0").json();
        assertThat(page0.get("totalItems").asLong()).isEqualTo(3);
        assertThat(page0.get("totalPages").asInt()).isEqualTo(2);
        assertThat(list(page0.get("items"))).extracting(ReferralApiTest::id).containsExactly(first, second);
        JsonNode page1 = gp.get("/api/referrals?" + patient + "&sort=createdAt,asc&size=2&page=1").json();
        assertThat(list(page1.get("items"))).extracting(ReferralApiTest::id).containsExactly(third);
    }

    /*
     * A bad query parameter is a 400 naming it, never a 500: Spring MVC's own method validation raises
     * HandlerMethodValidationException, which Problems answers (a class-level @Validated would route it through
     * the AOP interceptor, whose ConstraintViolationException no advice maps).
     */
    @Test
    void listRefusesAnUnknownSortField() {
        Response refused = gp.get("/api/referrals?sort=patientSecret,asc");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header(HttpHeaders.CONTENT_TYPE)).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(list(refused.json().get("errors"))).extracting(e -> e.get("field").asString()).contains("sort");
    }

    // --- 9. authentication and roles -----------------------------------------------------------------

    @Test
    void requestWithoutATokenIsUnauthorised() {
        ResponseEntity<String> anonymous = RestClient.builder().baseUrl("http://localhost:" + port)
                .defaultStatusHandler(status -> true, (req, res) -> { }).build()
                .get().uri("/api/referrals?box=inbox").retrieve().toEntity(String.class);

        assertThat(anonymous.getStatusCode().value()).isEqualTo(401);
        assertThat(anonymous.getHeaders().getContentType()).isNotNull();
        assertThat(anonymous.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .isTrue();
    }

    @Test
    void complianceOfficerCannotSendAReferral() {
        CareLoopClient compliance = DemoClinics.at(port).compliance(GP);
        long outboxBefore = total(gp, "box=outbox");

        Response refused = compliance.post("/api/referrals", CareLoopClient.referralTo(DERM, mrn()));

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.header(HttpHeaders.CONTENT_TYPE)).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(total(gp, "box=outbox")).isEqualTo(outboxBefore);
    }

    // --- helpers -------------------------------------------------------------------------------------

    private static String mrn() {
        return DemoClinics.mrn("API");
    }

    private static Map<String, Object> referral(String mrn, String priority) {
        Map<String, Object> body = new HashMap<>(CareLoopClient.referralTo(DERM, mrn));
        body.put("priority", priority);
        return body;
    }

    private static JsonNode send(CareLoopClient client, Map<String, Object> body) {
        return DemoClinics.sendReferral(client, body).json();
    }

    /**
     * Performs one write, checks it answered 200 with {@code version} as ETag and body version, and that
     * a GET right after shows the same version (read-your-writes). Returns the answer's body.
     */
    private JsonNode write(CareLoopClient client, String id, String action, Object body, long version) {
        Response written = client.post("/api/referrals/" + id + "/" + action, body);
        assertThat(written.status()).as(action + ": " + written.body()).isEqualTo(200);
        assertThat(written.header(HttpHeaders.ETAG)).as(action).isEqualTo("\"" + version + "\"");
        assertThat(written.json().get("version").asLong()).as(action).isEqualTo(version);
        Response read = client.get("/api/referrals/" + id);
        assertThat(read.header(HttpHeaders.ETAG)).as("GET after " + action).isEqualTo("\"" + version + "\"");
        assertThat(read.json().get("version").asLong()).as("GET after " + action).isEqualTo(version);
        return written.json();
    }

    private static JsonNode view(CareLoopClient client, String id) {
        Response read = client.get("/api/referrals/" + id);
        assertThat(read.status()).isEqualTo(200);
        return read.json();
    }

    private static List<String> ids(CareLoopClient client, String query) {
        Response listed = client.get("/api/referrals?size=200&" + query);
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        return list(listed.json().get("items")).stream().map(ReferralApiTest::id).toList();
    }

    private static long total(CareLoopClient client, String query) {
        Response listed = client.get("/api/referrals?" + query);
        assertThat(listed.status()).isEqualTo(200);
        return listed.json().get("totalItems").asLong();
    }

    private static String id(JsonNode referral) {
        return referral.get("referralId").asString();
    }

    private static String patientId(JsonNode referral) {
        return referral.get("patient").get("patientId").asString();
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> nodes = new ArrayList<>();
        array.forEach(nodes::add);
        return nodes;
    }

    private static Map<String, Object> appointment(Instant start) {
        return Map.of("start", start.toString(), "end", start.plus(30, ChronoUnit.MINUTES).toString(),
                "location", "Riverside Dermatology, room 3");
    }

    private static Consumer<HttpHeaders> ifMatch(long version) {
        return h -> h.setIfMatch("\"" + version + "\"");
    }

    private static Consumer<HttpHeaders> idempotencyKey() {
        String key = UUID.randomUUID().toString();
        return h -> h.set("Idempotency-Key", key);
    }

    /** A valid body for each of the 15 actions on an existing referral. */
    private static Map<String, Object> validBodies() {
        Instant start = Instant.now().plus(5, ChronoUnit.DAYS);
        Map<String, Object> bodies = new LinkedHashMap<>();
        bodies.put("accept", null);
        bodies.put("decline", Map.of("reason", "Not our patient"));
        bodies.put("forward", Map.of("toOrganisation", DERM, "reason", "Better placed"));
        bodies.put("request-information", Map.of("question", "Which medications?"));
        bodies.put("provide-information", Map.of("answer", "None"));
        bodies.put("schedule", appointment(start));
        bodies.put("reschedule", Map.of("start", start.toString(), "location", "Room 1", "reason", "Clinic moved"));
        bodies.put("no-show", null);
        bodies.put("cancel-appointment", Map.of("reason", "Clinician ill"));
        bodies.put("interim-note", Map.of("note", "Seen"));
        bodies.put("request-cancellation", Map.of("reason", "Patient moved away"));
        bodies.put("confirm-cancellation", null);
        bodies.put("outcome", Map.of("report", "Discharged"));
        bodies.put("acknowledge-outcome", null);
        bodies.put("refer-back", Map.of("priority", "routine", "service", "GP review", "reason", "Follow up"));
        return bodies;
    }
}

package dev.careloop.app.replay;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import dev.careloop.app.security.PersonLogin;
import dev.careloop.query.replay.ReadModelTables;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import org.springframework.http.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.careloop.app.DemoClinics.DERM;
import static dev.careloop.app.DemoClinics.GP;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Rebuilding read models from the log over the real API: the rebuilt tables equal the live ones row for row, the
 * API answers throughout, progress is shown, partners hear nothing, and only administrators may do it.
 */
@CareLoopIntegrationTest
class RebuildReadModelsTest {

    /** The events of the log up to a head ({@code ?}) that have no entry in the live audit trail. */
    private static final String WITHOUT_AUDIT_ENTRY = " FROM domain_event_entry d WHERE d.global_index <= ?"
            + " AND NOT EXISTS (SELECT 1 FROM audit_entry a WHERE a.event_id = d.event_identifier)";


    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    EventProcessingConfiguration processing;

    @Autowired
    List<ReadModelTables> readModels;

    private final WireMockServer partnerEhr = new WireMockServer(options().dynamicPort());
    private CareLoopClient admin;
    private CareLoopClient gp;
    private CareLoopClient derm;

    @BeforeEach
    void clients() {
        admin = DemoClinics.at(port).admin();
        gp = DemoClinics.at(port).gp();
        derm = DemoClinics.at(port).derm();
        partnerEhr.start();
        partnerEhr.stubFor(post("/fhir").willReturn(okJson("{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}")));
    }

    @AfterEach
    void stopPartner() {
        partnerEhr.stop();
    }

    @Test
    void rebuildingEveryReadModelFromTheLogGivesByteIdenticalTables() {
        // A person's write too: the rebuilt timeline and audit trail name them as the live ones do.
        CareLoopClient tom = CareLoopClient.withToken(port,
                new PersonLogin(port).logIn("tom.okafor").get("access_token").asString());
        assertThat(tom.post("/api/referrals", CareLoopClient.referralTo(DERM, "MRN-" + UUID.randomUUID()))
                .status()).isEqualTo(201);
        history(8);
        // Analytics' own inputs: a declined referral sent again for the patient (no leak), a forward with its reason
        // category, and a partnership goal set and another withdrawn.
        String mrn = "RB-" + UUID.randomUUID();
        write(send(mrn), "decline", Map.of("reason", "full until March", "category", "capacity"));
        send(mrn);
        write(send(), "forward", Map.of("toOrganisation", "lakeside-cardio", "reason", "cardiac cause",
                "category", "not-our-service"));
        Response goal = gp.post("/api/partnerships/" + DERM + "/goals", Map.of("measure", "loopClosureRate",
                "target", 0.95, "withinDays", 30, "reason", "Agreed at the quarterly review"));
        assertThat(goal.status()).as(goal.body()).isEqualTo(201);
        Response other = gp.post("/api/partnerships/" + DERM + "/goals", Map.of("measure",
                "sentToAccepted.medianHours", "target", 48, "reason", "Triage within two days"));
        assertThat(other.status()).as(other.body()).isEqualTo(201);
        assertThat(gp.delete("/api/partnerships/" + DERM + "/goals/" + other.json().get("goalId").asString(),
                Map.of("reason", "Replaced")).status()).isEqualTo(200);
        awaitQuiet();
        long head = head();
        Map<String, List<String>> before = settledRows(head);

        Response started = admin.post("/api/admin/rebuilds", Map.of("groups", List.of("all")));

        assertThat(started.status()).as(started.body()).isEqualTo(202);
        JsonNode finished = awaitFinished(started.header("Location"), new ArrayList<>());
        assertThat(finished.get("state").asString()).as(finished.toString()).isEqualTo("switched");
        assertThat(finished.get("groups")).extracting(JsonNode::asString)
                .containsExactly("analytics", "appointments", "audit", "fhir-index", "notifications", "records", "referrals");
        assertThat(rows(head)).isEqualTo(before);
        for (String table : List.of("referral_timeline", "audit_entry")) {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE actor_user = 'tom.okafor' AND "
                    + "actor_name = 'Dr Tom Okafor, general practitioner at Northside'", Integer.class))
                    .as(table + " after the rebuild").isPositive();
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_namespace WHERE nspname IN ('rebuild', 'retired')",
                Integer.class)).isZero();
        // The rebuild processor's token (careloop-rebuild) goes with the switch.
        assertThat(jdbc.queryForObject("SELECT count(*) FROM token_entry WHERE processor_name = ?", Integer.class,
                "careloop-rebuild")).isZero();
    }

    @Test
    void rebuildingALogThatHoldsAnErasureGivesByteIdenticalTablesWithoutThePatient() {
        String mrn = "RB-ERASE-" + UUID.randomUUID();
        String referralId = send(mrn);
        write(referralId, "accept", null);
        shareRecord(referralId, mrn);
        write(referralId, "schedule", visitAt(40));
        history(3);
        String patientId = gp.get("/api/referrals/" + referralId).json().get("patient").get("patientId").asString();
        Response erased = admin.post("/api/admin/patients/" + patientId + "/erasure", Map.of("reason", "request"));
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        // Events of the referral after the erasure, and other patients' events after that.
        write(referralId, "reschedule", Map.of("start", at(41).toString(), "location", "Room 2", "reason", "moved"));
        history(2);
        awaitQuiet();
        // The reason is stored sealed under the erased patient's key, unreadable: the live timeline (written in the
        // command's own transaction) must not keep the command's copy in clear.
        assertThat(jdbc.queryForObject("SELECT count(*) FROM referral_timeline WHERE referral_id = ? "
                + "AND details::text LIKE '%moved%'", Integer.class, referralId)).isZero();
        long head = head();
        Map<String, List<String>> before = settledRows(head);

        Response started = admin.post("/api/admin/rebuilds", Map.of("groups", List.of("all")));

        assertThat(started.status()).as(started.body()).isEqualTo(202);
        JsonNode finished = awaitFinished(started.header("Location"), new ArrayList<>());
        assertThat(finished.get("state").asString()).as(finished.toString()).isEqualTo("switched");
        assertThat(rows(head)).isEqualTo(before);
        for (String table : List.of("referral_view", "referral_timeline", "record_view", "appointment_view",
                "appointment_history", "audit_entry")) {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM " + table + " t WHERE t::text LIKE ?", Integer.class,
                    "%" + mrn + "%")).as(table).isZero();
        }
        assertThat(gp.get("/api/referrals/" + referralId).json().get("patient").get("name").asString())
                .isEqualTo("(erased)");
    }

    @Test
    void referralsSentWhileTheLogIsFoldedReachTheRebuiltReadModels() throws Exception {
        history(4);
        awaitQuiet();
        List<String> sentDuring = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread sender = new Thread(() -> {
            while (sending.get()) {
                sentDuring.add(send());
            }
        }, "rebuild-test-sender");
        sender.start();
        Thread.sleep(200);

        Response started = admin.post("/api/admin/rebuilds", Map.of("groups", List.of("referrals")));
        JsonNode finished = awaitFinished(started.header("Location"), new ArrayList<>());
        Thread.sleep(200);
        sending.set(false);
        sender.join();
        awaitQuiet();

        assertThat(finished.get("state").asString()).as(finished.toString()).isEqualTo("switched");
        assertThat(sentDuring).hasSizeGreaterThan(2);
        for (String id : sentDuring) {
            assertThat(gp.get("/api/referrals/" + id).status()).as(id).isEqualTo(200);
        }
        // Every referral event of the log, before, during and after the fold, is in the timeline once.
        assertThat(jdbc.queryForObject("SELECT count(*) FROM referral_timeline", Long.class))
                .isEqualTo(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE type = 'Referral'",
                        Long.class));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM referral_view", Long.class))
                .isEqualTo(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE type = 'Referral' "
                        + "AND sequence_number = 0", Long.class));
    }

    @Test
    void theRebuiltReadModelsKeepFollowingTheLogAfterTheSwitch() {
        history(2);
        awaitQuiet();
        JsonNode finished = awaitFinished(admin.post("/api/admin/rebuilds", null).header("Location"), new ArrayList<>());
        assertThat(finished.get("state").asString()).as(finished.toString()).isEqualTo("switched");

        String id = send();
        assertThat(derm.post("/api/referrals/" + id + "/accept", null).status()).isEqualTo(200);

        Response seen = derm.get("/api/referrals/" + id);
        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.json().get("status").asString()).isEqualTo("accepted");
        assertThat(derm.get("/api/referrals/" + id + "/timeline").json().toString())
                .contains("ReferralSent").contains("ReferralAccepted");
        // The indexes the migrations named are there under the same names.
        assertThat(jdbc.queryForList("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' "
                + "AND tablename = 'referral_view'", String.class))
                .contains("referral_view_pkey", "referral_view_inbox", "referral_view_participants");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
                + "AND conrelid = 'public.record_grant'::regclass", Integer.class)).isEqualTo(1);
    }

    @Test
    void theApiAnswersThroughoutARebuildAndNoPartnerHearsOfIt() throws Exception {
        String partnerId = "replay-" + UUID.randomUUID().toString().substring(0, 8);
        Response registered = admin.post("/api/admin/partners", Map.of("id", partnerId, "organisation", DERM,
                "baseUrl", partnerEhr.baseUrl() + "/fhir", "mode", "transaction",
                "resourceTypes", List.of("ServiceRequest", "Task", "Provenance"),
                "auth", Map.of("type", "bearer", "token", "riverside-inbound-token")));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        List<String> referrals = history(6);
        awaitQuiet();
        int delivered = awaitDeliveriesSettled();
        assertThat(delivered).as("the partner got the history as it happened").isPositive();

        Map<Integer, AtomicInteger> answers = new ConcurrentHashMap<>();
        List<String> wrong = new ArrayList<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = new Thread(() -> {
            CareLoopClient reader1 = DemoClinics.at(port).gp();
            int i = 0;
            while (reading.get()) {
                String id = referrals.get(i++ % referrals.size());
                for (String path : List.of("/api/referrals/" + id, "/api/referrals/" + id + "/timeline",
                        "/api/referrals?box=outbox&size=5")) {
                    Response r = reader1.get(path);
                    answers.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
                    if (r.status() != 200) {
                        synchronized (wrong) {
                            wrong.add(path + " -> " + r.status() + " " + r.body());
                        }
                    }
                }
            }
        }, "rebuild-test-reader");
        reader.start();
        Thread.sleep(300);

        Response started = admin.post("/api/admin/rebuilds", Map.of("groups", List.of("referrals", "records",
                "appointments")));
        Response second = admin.post("/api/admin/rebuilds", Map.of("groups", List.of("referrals")));
        List<JsonNode> progress = new ArrayList<>();
        JsonNode finished = awaitFinished(started.header("Location"), progress);
        Thread.sleep(300);
        reading.set(false);
        reader.join();

        assertThat(started.status()).isEqualTo(202);
        assertThat(started.header("Location")).isEqualTo("/api/admin/rebuilds/" + started.json().get("id").asString());
        assertThat(second.status()).as("a second rebuild while one runs").isEqualTo(409);
        assertThat(second.header("Content-Type")).startsWith("application/problem+json");
        assertThat(finished.get("state").asString()).as(finished.toString()).isEqualTo("switched");
        assertThat(wrong).isEmpty();
        assertThat(answers.get(200).get()).isGreaterThan(10);
        // Progress as an administrator watches it: events done of the total, the rate, and the time left.
        assertThat(started.json().get("state").asString()).isEqualTo("running");
        assertThat(progress).allSatisfy(p -> assertThat(p.get("eventsDone").asLong())
                .isBetween(0L, p.get("eventsTotal").asLong()));
        assertThat(finished.get("eventsDone").asLong()).isEqualTo(finished.get("eventsTotal").asLong())
                .isGreaterThanOrEqualTo(finished.get("replayedEvents").asLong()).isPositive();
        assertThat(finished.get("eventsPerSecond").asDouble()).isPositive();
        assertThat(finished.get("replaySeconds").asDouble()).isPositive();
        assertThat(finished.has("switchedAt")).isTrue();
        assertThat(finished.has("secondsLeft")).as("nothing left").isFalse();
        // Nothing reached the partner during or after the rebuild.
        Thread.sleep(1500);
        assertThat(partnerEhr.findAll(postRequestedFor(urlEqualTo("/fhir")))).hasSize(delivered);
        admin.post("/api/admin/partners/" + partnerId + "/deactivate", null);
    }

    @Test
    void onlyAdministratorsMayRebuildOrWatchRebuilds() {
        for (String client : List.of(GP + "-staff", DERM + "-compliance")) {
            CareLoopClient someone = DemoClinics.at(port).client(client);

            Response start = someone.post("/api/admin/rebuilds", Map.of("groups", List.of("referrals")));
            Response list = someone.get("/api/admin/rebuilds");

            assertThat(start.status()).isEqualTo(403);
            assertThat(start.header("Content-Type")).startsWith("application/problem+json");
            assertThat(list.status()).isEqualTo(403);
        }
    }

    @Test
    void anUnknownProcessingGroupIsRefusedAndTheRebuildableOnesAreNamed() {
        Response refused = admin.post("/api/admin/rebuilds", Map.of("groups", List.of("referrals", "partners")));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asString()).contains("partners").contains("appointments");
        assertThat(admin.get("/api/admin/read-models").json().toString())
                .contains("\"processingGroup\":\"records\"").contains("record_disclosure");
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    /** Referrals with varied histories: accepted, scheduled and rescheduled, declined, with shared records. */
    private List<String> history(int referrals) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < referrals; i++) {
            String mrn = "RB-" + UUID.randomUUID();
            String id = send(mrn);
            ids.add(id);
            switch (i % 4) {
                case 0 -> {
                    write(id, "accept", null);
                    write(id, "schedule", visitAt(10 + i));
                    write(id, "reschedule", Map.of("start", at(12 + i).toString(), "location", "Room 1",
                            "reason", "clinic closed"));
                }
                case 1 -> write(id, "decline", Map.of("reason", "not our specialty", "category", "not-our-service"));
                case 2 -> {
                    write(id, "accept", null);
                    shareRecord(id, mrn);
                    write(id, "request-information", Map.of("question", "Any previous biopsies?"));
                }
                default -> {
                    write(id, "accept", null);
                    write(id, "schedule", visitAt(20 + i));
                    write(id, "cancel-appointment", Map.of("reason", "patient moved away"));
                }
            }
        }
        return ids;
    }

    private String send() {
        return send("RB-" + UUID.randomUUID());
    }

    private String send(String mrn) {
        Response sent = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, mrn));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        return sent.json().get("referralId").asString();
    }

    private void write(String id, String action, Object body) {
        // A reschedule overwrites the visit: it names the version it was based on.
        Response written = "reschedule".equals(action)
                ? derm.post("/api/referrals/" + id + "/" + action, body,
                        h -> h.set(HttpHeaders.IF_MATCH, derm.get("/api/referrals/" + id).header(HttpHeaders.ETAG)))
                : derm.post("/api/referrals/" + id + "/" + action, body);
        assertThat(written.status()).as(action + ": " + written.body()).isEqualTo(200);
    }

    private void shareRecord(String referralId, String mrn) {
        byte[] document = ("# Discharge summary\n\nFindings " + UUID.randomUUID() + "\n")
                .getBytes(StandardCharsets.UTF_8);
        String sha = sha256(document);
        Response put = gp.put("/api/records/content/" + sha, document, "text/markdown");
        assertThat(put.status()).as(put.body()).isIn(200, 201);
        Map<String, Object> share = new LinkedHashMap<>();
        share.put("referralId", referralId);
        share.put("patient", Map.of("identifierSystem", "https://northside-gp.example/mrn",
                "identifierValue", mrn, "name", "Alex Morgan",
                "birthDate", "1980-04-02"));
        share.put("recipients", List.of(DERM));
        share.put("documentType", Map.of("code", "18842-5", "display", "Discharge summary"));
        share.put("title", "Discharge summary");
        share.put("contentSha256", sha);
        share.put("purpose", "TREAT");
        share.put("validUntil", Instant.now().plus(Duration.ofDays(30)).toString());
        Response shared = gp.post("/api/records", share);
        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        String recordId = shared.json().get("recordId").asString();
        // A recipient reads it: a disclosure for the accounting of disclosures.
        assertThat(derm.download("/api/records/" + recordId + "/content", h -> { }).getStatusCode().value())
                .isEqualTo(200);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> visitAt(int days) {
        Instant start = at(days);
        return Map.of("start", start.toString(), "end", start.plus(30, ChronoUnit.MINUTES).toString(),
                "location", "Riverside Dermatology, room 3");
    }

    private static Instant at(int days) {
        return Instant.parse("2030-01-01T09:00:00Z").plus(days, ChronoUnit.DAYS);
    }

    /**
     * Every row of every table of every rebuildable group, as text, sorted; the audit trail up to {@code head}
     * only, as background work of other tests sharing the application (a partner's retried delivery) may append
     * to the log while a rebuild runs.
     */
    private Map<String, List<String>> rows(long head) {
        Map<String, List<String>> rows = new TreeMap<>();
        for (ReadModelTables readModel : readModels) {
            for (String table : readModel.tables()) {
                String where = table.equals("audit_entry") ? " WHERE global_index <= " + head : "";
                // A notification's tx is the transaction that wrote it, not what it says.
                String row = table.equals("notification") ? "(to_jsonb(t) - 'tx')::text" : "t::text";
                rows.put(table, jdbc.queryForList("SELECT " + row + " FROM " + table + " t" + where + " ORDER BY 1",
                        String.class));
            }
        }
        assertThat(rows).containsKeys("referral_view", "referral_timeline", "record_view", "record_grant",
                "record_version", "record_disclosure", "appointment_view", "appointment_history", "audit_entry",
                "audit_subject", "audit_party", "fhir_resource_index", "analytics_referral", "analytics_month",
                "analytics_pair_month", "partnership_goal");
        return rows;
    }

    /**
     * The rows once two reads 300 ms apart agree, after checking that the live audit trail holds every event of
     * the log. Full runs found live audit rows missing (present in the rebuilt table, and in the log below the
     * head) although every processor reported the head, no gap and no dead letter; the missing rows stayed
     * missing, so the check names them rather than comparing tables that were never going to agree.
     */
    private Map<String, List<String>> settledRows(long head) {
        assertThat(eventsMissingFromTheLiveAuditTrail(head)).as("events of the log the live audit trail lacks")
                .isEmpty();
        Map<String, List<String>> previous = rows(head);
        for (int i = 0; i < 50; i++) {
            sleep(300);
            Map<String, List<String>> now = rows(head);
            if (now.equals(previous)) {
                return now;
            }
            previous = now;
        }
        return fail("the read models kept changing below global index " + head);
    }

    /**
     * Events of the log up to {@code head} with no entry in the live audit trail, each with what the log and the
     * audit processor say about it; waits up to 10 s for them to arrive.
     */
    private List<String> eventsMissingFromTheLiveAuditTrail(long head) {
        List<String> missing = List.of();
        for (int i = 0; i < 20; i++) {
            missing = jdbc.queryForList("SELECT d.global_index || ' ' || d.payload_type || ' ' || d.event_identifier"
                    + " || ' at ' || d.time_stamp || ', aggregate ' || coalesce(d.aggregate_identifier, '-')"
                    + WITHOUT_AUDIT_ENTRY + " ORDER BY d.global_index", String.class, head);
            if (missing.isEmpty()) {
                return missing;
            }
            sleep(500);
        }
        List<String> described = new ArrayList<>(missing);
        described.add("their aggregates in audit_subject: " + jdbc.queryForList("SELECT s.aggregate_id || ' ' || "
                + "s.aggregate_type FROM audit_subject s WHERE s.aggregate_id IN (SELECT d.aggregate_identifier"
                + WITHOUT_AUDIT_ENTRY + ")", String.class, head));
        described.add("audit token: " + jdbc.queryForList("SELECT segment || ' ' || convert_from(token, 'UTF8') "
                + "FROM token_entry WHERE processor_name = 'audit'", String.class));
        described.add("audit dead letters: " + jdbc.queryForObject("SELECT count(*) FROM dead_letter_entry "
                + "WHERE processing_group = 'audit'", Integer.class));
        return described;
    }

    private long head() {
        return jdbc.queryForObject("SELECT coalesce(max(global_index), 0) FROM domain_event_entry", Long.class);
    }

    /** Until the log stops growing and every processor (sagas included) has handled all of it. */
    private void awaitQuiet() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long previous = -1;
        while (System.nanoTime() < deadline) {
            long head = jdbc.queryForObject("SELECT coalesce(max(global_index), 0) FROM domain_event_entry", Long.class);
            boolean caughtUp = processing.eventProcessors().values().stream()
                    .filter(StreamingEventProcessor.class::isInstance).map(StreamingEventProcessor.class::cast)
                    .allMatch(p -> !p.processingStatus().isEmpty() && p.processingStatus().values().stream()
                            .allMatch(s -> s.getCurrentPosition().orElse(-1) >= head
                                    && committedGaps(s.getTrackingToken()) == 0));
            Integer deadLetters = jdbc.queryForObject("SELECT count(*) FROM dead_letter_entry WHERE processing_group "
                    + "IN ('referrals', 'records', 'appointments', 'audit', 'fhir-index')", Integer.class);
            if (caughtUp && head == previous && deadLetters == 0) {
                return;
            }
            previous = head;
            sleep(300);
        }
        fail("the processors did not catch up with the log within 30 s");
    }

    /**
     * Positions a processor skipped as gaps whose events have committed since: not yet handled, although the
     * processor is past them (a delivery's event committed late, say). A gap never filled (a rolled-back append)
     * counts for nothing.
     */
    private int committedGaps(TrackingToken token) {
        TrackingToken position = WrappedToken.unwrapLowerBound(token);
        if (!(position instanceof GapAwareTrackingToken gapAware) || gapAware.getGaps().isEmpty()) {
            return 0;
        }
        Integer committed = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE global_index = ANY(?)",
                Integer.class, (Object) gapAware.getGaps().toArray(Long[]::new));
        return committed == null ? 0 : committed;
    }

    private int awaitDeliveriesSettled() {
        int previous = -1;
        for (int i = 0; i < 100; i++) {
            int now = partnerEhr.findAll(postRequestedFor(urlEqualTo("/fhir"))).size();
            if (now == previous && now > 0) {
                return now;
            }
            previous = now;
            sleep(500);
        }
        return previous;
    }

    private JsonNode awaitFinished(String location, List<JsonNode> progress) {
        assertThat(location).startsWith("/api/admin/rebuilds/");
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            Response r = admin.get(location);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode view = r.json();
            progress.add(view);
            if (Set.of("switched", "failed").contains(view.get("state").asString())) {
                return view;
            }
            sleep(50);
        }
        throw new AssertionError("the rebuild did not finish within 90 s: " + progress.get(progress.size() - 1));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

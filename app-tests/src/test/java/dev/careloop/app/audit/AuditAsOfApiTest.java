package dev.careloop.app.audit;

import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.careloop.app.DemoClinics.CARDIO;
import static dev.careloop.app.DemoClinics.DERM;
import static dev.careloop.app.DemoClinics.GP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * As-of reconstruction against what users actually saw: a referral with a long history (forward, two rounds of
 * questions, a visit booked and moved, a note, the outcome, the loop closed), its view captured over HTTP after
 * every write, and the reconstruction from the event store at each event's timestamp compared with it.
 */
@CareLoopIntegrationTest
class AuditAsOfApiTest {


    @LocalServerPort
    int port;
    @Autowired
    EventStore eventStore;

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
    void theReferralAsOfEachEventsTimeIsTheReferralTheUsersSawRightAfterIt() {
        Map<Long, JsonNode> seen = new HashMap<>();
        Response sent = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, "ASOF-" + UUID.randomUUID()));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        String id = sent.json().get("referralId").asString();
        capture(id, seen);
        Instant visit = Instant.now().plus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

        write(derm, id, "forward", Map.of("toOrganisation", CARDIO, "reason", "palpitations, not skin"), seen);
        write(cardio, id, "request-information", Map.of("question", "Any recent ECG?"), seen);
        write(gp, id, "provide-information", Map.of("answer", "None on file"), seen);
        write(cardio, id, "accept", null, seen);
        write(cardio, id, "schedule", Map.of("start", visit.toString(), "location", "Room 2"), seen);
        write(cardio, id, "reschedule", Map.of("start", visit.plus(2, ChronoUnit.DAYS).toString(),
                "location", "Room 5", "reason", "clinic closed"), seen);
        write(cardio, id, "interim-note", Map.of("note", "Holter fitted"), seen);
        write(cardio, id, "request-information", Map.of("question", "Family history?"), seen);
        write(gp, id, "provide-information", Map.of("answer", "Father: arrhythmia"), seen);
        write(cardio, id, "outcome", Map.of("report", "Benign ectopics; no treatment"), seen);
        write(gp, id, "acknowledge-outcome", null, seen);

        List<JsonNode> timeline = new ArrayList<>();
        gp.get("/api/referrals/" + id + "/timeline").json().forEach(timeline::add);
        assertThat(timeline).hasSize(12);
        assertThat(seen).as("one view captured per event").hasSize(12);

        CareLoopClient officer = DemoClinics.at(port).compliance(GP);
        long started = System.nanoTime();
        for (JsonNode event : timeline) {
            long version = event.get("sequence").asLong() + 1;
            Response asOf = officer.get("/api/audit/referrals/" + id + "?asOf=" + event.get("occurredAt").asString());
            assertThat(asOf.status()).as(asOf.body()).isEqualTo(200);
            assertThat(asOf.json()).as("as of %s (%s)", event.get("occurredAt").asString(),
                    event.get("event").asString()).isEqualTo(seen.get(version));
            assertThat(asOf.header("ETag")).isEqualTo("\"" + version + "\"");
        }
        long perRead = (System.nanoTime() - started) / timeline.size() / 1_000;
        // Whether snapshots would pay: the whole history read from the event store, alone, against the HTTP answer.
        long readStarted = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            assertThat(eventStore.readEvents(id, 0).asStream().count()).isEqualTo(12);
        }
        long perHistory = (System.nanoTime() - readStarted) / 50 / 1_000;
        System.out.printf("as-of of a %d-event referral: %d us per HTTP answer (token, fold, audited read), "
                + "%d us to read its history%n", timeline.size(), perRead, perHistory);
    }

    @Test
    void theDiffBetweenSendingAndTheClosedLoopNamesWhatChanged() {
        Response sent = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, "ASOF-" + UUID.randomUUID()));
        String id = sent.json().get("referralId").asString();
        Map<Long, JsonNode> seen = new HashMap<>();
        write(derm, id, "accept", null, seen);
        write(derm, id, "outcome", Map.of("report", "Benign"), seen);
        write(gp, id, "acknowledge-outcome", null, seen);
        List<JsonNode> timeline = new ArrayList<>();
        gp.get("/api/referrals/" + id + "/timeline").json().forEach(timeline::add);

        Response diff = DemoClinics.at(port).compliance(DERM).get("/api/audit/referrals/" + id
                + "/diff?from=" + timeline.get(0).get("occurredAt").asString()
                + "&to=" + timeline.get(3).get("occurredAt").asString());

        assertThat(diff.status()).as(diff.body()).isEqualTo(200);
        List<String> fields = new ArrayList<>();
        diff.json().get("changes").forEach(c -> fields.add(c.get("field").asString()));
        assertThat(fields).containsExactly("status", "taskStatus", "businessStatus", "businessStatusDisplay",
                "loopClosed", "updatedAt", "version", "consultReport");
        assertThat(DemoClinics.at(port).compliance(CARDIO).get("/api/audit/referrals/" + id
                + "/diff?from=" + timeline.get(0).get("occurredAt").asString()
                + "&to=" + timeline.get(3).get("occurredAt").asString()).status()).isEqualTo(404);
    }

    /** A write, then the referral as its initiator sees it right after, kept by version. */
    private void write(CareLoopClient who, String id, String action, Object body, Map<Long, JsonNode> seen) {
        // A reschedule overwrites the visit: it names the version last seen.
        Response written = who.post("/api/referrals/" + id + "/" + action, body, h -> {
            if ("reschedule".equals(action)) {
                h.setIfMatch("\"" + seen.keySet().stream().mapToLong(Long::longValue).max().orElseThrow() + "\"");
            }
        });
        assertThat(written.status()).as(action + ": " + written.body()).isEqualTo(200);
        capture(id, seen);
    }

    private void capture(String id, Map<Long, JsonNode> seen) {
        Response view = gp.get("/api/referrals/" + id);
        assertThat(view.status()).isEqualTo(200);
        JsonNode json = view.json();
        // What the referral was, not what one caller may do with it now: the as-of view offers no actions.
        ((ObjectNode) json).set("allowedActions", JsonNodeFactory.instance.arrayNode());
        seen.put(json.get("version").asLong(), json);
    }
}

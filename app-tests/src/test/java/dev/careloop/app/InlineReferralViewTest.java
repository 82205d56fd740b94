package dev.careloop.app;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static dev.careloop.app.DemoClinics.DERM;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The referral view and timeline are written in the command's own transaction (issue 19; InlineProjections): the
 * write's answer and the other organisation's first read find them with the "referrals" tracking processor stopped.
 * An inline write that fails is left to that processor, which applies it later, and no later event is applied
 * inline over the gap it leaves (that would lose its change for good: the row's version guard then skips it). The
 * command's inline writes share one savepoint (InlineSavepoint): one that fails takes the others back with it.
 */
@CareLoopIntegrationTest
class InlineReferralViewTest {

    /** Well under careloop.read-your-writes-timeout (5 s): an answer this fast did not wait for the processor. */
    private static final Duration AT_ONCE = Duration.ofSeconds(3);

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventProcessingConfiguration processing;

    @Test
    void aWriteAndTheRecipientsFirstReadFindTheViewWhileTheReferralsProcessorIsStopped() {
        var gp = DemoClinics.at(port).gp();
        var derm = DemoClinics.at(port).derm();
        TrackingEventProcessor referrals = referralsProcessor();
        String id;
        referrals.shutDown();
        try {
            Instant asked = Instant.now();
            var sent = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, "MRN-INLINE-1"));
            assertThat(sent.status()).as(sent.body()).isEqualTo(201);
            assertThat(Duration.between(asked, Instant.now())).isLessThan(AT_ONCE);
            assertThat(sent.json().get("status").asString()).as("the view, not only id and version")
                    .isEqualTo("created");
            id = sent.json().get("referralId").asString();

            var seen = derm.get("/api/referrals/" + id);
            assertThat(seen.status()).as("the recipient's first read").isEqualTo(200);
            assertThat(seen.header("ETag")).isEqualTo("\"1\"");

            asked = Instant.now();
            var accepted = derm.post("/api/referrals/" + id + "/accept", null);
            assertThat(accepted.status()).isEqualTo(200);
            assertThat(Duration.between(asked, Instant.now())).isLessThan(AT_ONCE);
            assertThat(accepted.json().get("status").asString()).isEqualTo("accepted");
            assertThat(gp.get("/api/referrals/" + id + "/timeline").json()).hasSize(2);
        } finally {
            referrals.start();
        }

        // The processor passes the same events and finds its work done: nothing doubled, nothing changed.
        long acceptedAt = jdbc.queryForObject(
                "SELECT max(global_index) FROM domain_event_entry WHERE aggregate_identifier = ?", Long.class, id);
        Await.until(Duration.ofSeconds(20), () -> referralsProcessor().processingStatus().size() == 2
                        && referralsProcessor().processingStatus().values().stream().allMatch(s -> s.getCurrentPosition()
                        .orElse(-1) >= acceptedAt),
                "the referrals processor passes the referral's events");
        var view = derm.get("/api/referrals/" + id);
        assertThat(view.header("ETag")).isEqualTo("\"2\"");
        assertThat(view.json().get("status").asString()).isEqualTo("accepted");
        assertThat(gp.get("/api/referrals/" + id + "/timeline").json()).hasSize(2);
        assertThat(deadLetters(id)).isZero();
    }

    @Test
    void anInlineWriteThatFailsIsAppliedByTheProcessorAndNoLaterEventIsAppliedInlineOverIt() {
        var gp = DemoClinics.at(port).gp();
        var derm = DemoClinics.at(port).derm();
        var coordinator = DemoClinics.at(port).client(DERM + "-coordinator");
        var sent = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, "MRN-INLINE-2"));
        assertThat(sent.status()).isEqualTo(201);
        String id = sent.json().get("referralId").asString();
        TrackingEventProcessor referrals = referralsProcessor();
        failFirstWriteOfVersion2(id);
        referrals.shutDown();
        try {
            // Version 2 fails inline (rolled back to its savepoint): the command still commits and answers.
            var assigned = coordinator.post("/api/referrals/" + id + "/assignment",
                    Map.of("assignee", DERM + "-clinician", "assigneeName", "Dr Priya Shah"));
            assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
            assertThat(assigned.header("ETag")).isEqualTo("\"2\"");
            assertThat(derm.get("/api/referrals/" + id).header("ETag")).isEqualTo("\"1\"");
            assertThat(gp.get("/api/referrals/" + id + "/timeline").json())
                    .as("no inline handler runs after one failed in its unit of work: the timeline's entry waits too")
                    .hasSize(1);

            // Version 3 must not be applied inline on top of version 1.
            var accepted = derm.post("/api/referrals/" + id + "/accept", null);
            assertThat(accepted.status()).isEqualTo(200);
            assertThat(accepted.header("ETag")).isEqualTo("\"3\"");
            assertThat(derm.get("/api/referrals/" + id).header("ETag")).isEqualTo("\"1\"");
        } finally {
            referrals.start();
            dropFailure();
        }

        Await.until(Duration.ofSeconds(20), () -> "\"3\"".equals(derm.get("/api/referrals/" + id).header("ETag")),
                "the referrals processor applies the events the command's transaction could not");
        var view = derm.get("/api/referrals/" + id).json();
        assertThat(view.get("status").asString()).isEqualTo("accepted");
        assertThat(view.get("assignedTo").get("name").asString()).as("the change of the failed version 2")
                .isEqualTo("Dr Priya Shah");
        var timeline = gp.get("/api/referrals/" + id + "/timeline").json();
        assertThat(timeline).hasSize(3);
        assertThat(timeline.get(1).get("event").asString()).isEqualTo("ReferralAssigned");
        assertThat(deadLetters(id)).isZero();
    }

    @Test
    void anInlineHandlerThatFailsTakesTheEarlierInlineWritesOfItsCommandBackWithIt() {
        var gp = DemoClinics.at(port).gp();
        var derm = DemoClinics.at(port).derm();
        var sent = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, "MRN-INLINE-3"));
        assertThat(sent.status()).isEqualTo(201);
        String id = sent.json().get("referralId").asString();
        TrackingEventProcessor referrals = referralsProcessor();
        referrals.shutDown();
        try {
            // Once the processor is stopped: its own entry of the send is not to meet the failure.
            failFirstTimelineEntryAfterTheFirst(id);
            // The view's handler writes version 2, then the timeline's fails: both are rolled back to the one
            // savepoint of the command, which commits its event all the same.
            var accepted = derm.post("/api/referrals/" + id + "/accept", null);
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
            assertThat(accepted.header("ETag")).isEqualTo("\"2\"");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                    Integer.class, id)).as("the command's events, committed").isEqualTo(2);
            assertThat(derm.get("/api/referrals/" + id).header("ETag")).as("the view's inline write, undone")
                    .isEqualTo("\"1\"");
            assertThat(gp.get("/api/referrals/" + id + "/timeline").json()).hasSize(1);
        } finally {
            referrals.start();
            dropFailure();
        }

        Await.until(Duration.ofSeconds(20), () -> "\"2\"".equals(derm.get("/api/referrals/" + id).header("ETag")),
                "the referrals processor applies what the command's transaction rolled back");
        assertThat(derm.get("/api/referrals/" + id).json().get("status").asString()).isEqualTo("accepted");
        var timeline = gp.get("/api/referrals/" + id + "/timeline").json();
        assertThat(timeline).hasSize(2);
        assertThat(timeline.get(1).get("event").asString()).isEqualTo("ReferralAccepted");
        assertThat(deadLetters(id)).isZero();
    }

    private TrackingEventProcessor referralsProcessor() {
        return processing.eventProcessor("referrals", TrackingEventProcessor.class).orElseThrow();
    }

    /** The first write of this referral's view at version 2 fails (a sequence: its count survives the rollback). */
    private void failFirstWriteOfVersion2(String referralId) {
        jdbc.execute("CREATE SEQUENCE inline_test_failures");
        jdbc.execute("""
                CREATE FUNCTION inline_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.referral_id = '%s' AND NEW.version = 2 THEN
                        IF nextval('inline_test_failures') = 1 THEN
                            RAISE EXCEPTION 'inline write failure injected by InlineReferralViewTest';
                        END IF;
                    END IF;
                    RETURN NEW;
                END $$""".formatted(referralId));
        jdbc.execute("CREATE TRIGGER inline_test_fail BEFORE INSERT OR UPDATE ON referral_view "
                + "FOR EACH ROW EXECUTE FUNCTION inline_test_fail()");
    }

    /** The first timeline entry of this referral added from now on fails (its send's entry is there already). */
    private void failFirstTimelineEntryAfterTheFirst(String referralId) {
        jdbc.execute("CREATE SEQUENCE inline_test_failures");
        jdbc.execute("""
                CREATE FUNCTION inline_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.referral_id = '%s' AND nextval('inline_test_failures') = 1 THEN
                        RAISE EXCEPTION 'inline timeline failure injected by InlineReferralViewTest';
                    END IF;
                    RETURN NEW;
                END $$""".formatted(referralId));
        jdbc.execute("CREATE TRIGGER inline_test_fail BEFORE INSERT ON referral_timeline "
                + "FOR EACH ROW EXECUTE FUNCTION inline_test_fail()");
    }

    private void dropFailure() {
        jdbc.execute("DROP TRIGGER IF EXISTS inline_test_fail ON referral_timeline");
        jdbc.execute("DROP TRIGGER IF EXISTS inline_test_fail ON referral_view");
        jdbc.execute("DROP FUNCTION IF EXISTS inline_test_fail()");
        jdbc.execute("DROP SEQUENCE IF EXISTS inline_test_failures");
    }

    private int deadLetters(String referralId) {
        return jdbc.queryForObject("SELECT count(*) FROM dead_letter_entry WHERE sequence_identifier = ?",
                Integer.class, referralId);
    }
}

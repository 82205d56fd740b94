package dev.careloop.app;

import dev.careloop.api.referral.ReferralSent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A projection handler that fails once must not cost the read model its event: the "referrals" group
 * dead-letters the event (application.yml) and DeadLetterRetry hands it to the handlers again.
 * Its own context (an extra, failing handler in the group, a 1 s retry interval), with the view and timeline written
 * only by the tracking processor, as in a query side of its own: in the command's transaction they would be there
 * before the processor is done with the event (InlineReferralViewTest covers an inline write that fails).
 */
@SpringBootTest(classes = {CareLoopApplication.class, ProjectionFailureTest.FailingHandlerConfiguration.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"careloop.dead-letter-retry-interval=PT1S", "careloop.read-your-writes-timeout=PT1S",
                "careloop.projections.inline=false"})
@ActiveProfiles({"local", "test"})
// Its own context, used by no other class: closed after it, so its processors and pollers stop.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ProjectionFailureTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    FailingReferralHandler failingHandler;

    @Test
    void anEventWhoseProjectionFailsTwiceReachesTheReadModelThroughItsDeadLetter() {
        var gp = DemoClinics.at(port).gp();
        var derm = DemoClinics.at(port).derm();
        // Twice: the group's batches hold their writes (BatchedWrites), so the first failure fails the batch and the
        // batch is tried again writing through; the second, there, dead-letters the event on its own.
        failingHandler.failFor("MRN-FAILS-TWICE", 2);

        var sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-FAILS-TWICE"));
        assertThat(sent.status()).isEqualTo(201);
        String id = idFrom(sent);

        awaitTrue(Duration.ofSeconds(20), () -> derm.get("/api/referrals/" + id).status() == 200,
                "the referral never reached the read model after its handler failed once");
        var view = derm.get("/api/referrals/" + id);
        assertThat(view.json().get("version").asLong()).isEqualTo(1);
        assertThat(derm.get("/api/referrals?box=inbox").body()).contains(id);
        assertThat(gp.get("/api/referrals/" + id + "/timeline").json()).hasSize(1);

        // It failed in its batch and in the batch's retry, then succeeded on the third delivery, which came out of
        // the dead-letter queue.
        var deliveries = failingHandler.deliveriesOf(id);
        assertThat(deliveries).hasSize(3);
        assertThat(deliveries.get(0).failed()).isTrue();
        assertThat(deliveries.get(0).deadLetters()).as("dead letters at the first delivery").isZero();
        assertThat(deliveries.get(1).failed()).isTrue();
        assertThat(deliveries.get(2).failed()).isFalse();
        assertThat(deliveries.get(2).deadLetters())
                .as("dead letters of the referral at the retry (it came from dead_letter_entry)").isEqualTo(1);
        awaitTrue(Duration.ofSeconds(5), () -> deadLetters(id) == 0, "the dead letter was not evicted after success");
    }

    @Test
    void aProjectionThatFailsOnceIsRetriedWithItsBatchAndLeavesNoDeadLetter() {
        var gp = DemoClinics.at(port).gp();
        var derm = DemoClinics.at(port).derm();
        failingHandler.failFor("MRN-FAILS-ONCE", 1);

        String id = idFrom(gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-FAILS-ONCE")));

        awaitTrue(Duration.ofSeconds(20), () -> derm.get("/api/referrals/" + id).status() == 200,
                "the referral never reached the read model after its handler failed once");
        assertThat(gp.get("/api/referrals/" + id + "/timeline").json()).hasSize(1);
        var deliveries = failingHandler.deliveriesOf(id);
        assertThat(deliveries).extracting(FailingReferralHandler.Delivery::failed).containsExactly(true, false);
        assertThat(deliveries).extracting(FailingReferralHandler.Delivery::deadLetters).containsExactly(0, 0);
        assertThat(deadLetters(id)).isZero();
    }

    @Test
    void eventsOfAReferralWithADeadLetterWaitBehindItAndKeepTheirOrder() {
        var gp = DemoClinics.at(port).gp();
        var derm = DemoClinics.at(port).derm();
        // Dead-lettered for a few retry rounds: long enough for the accept to arrive while it is.
        failingHandler.failFor("MRN-FAILS-BEFORE-ACCEPT", 5);

        var sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-FAILS-BEFORE-ACCEPT"));
        assertThat(sent.status()).isEqualTo(201);
        String id = idFrom(sent);
        var accepted = derm.post("/api/referrals/" + id + "/accept", null);
        assertThat(accepted.status()).isEqualTo(200);

        awaitTrue(Duration.ofSeconds(20), () -> {
            var view = derm.get("/api/referrals/" + id);
            return view.status() == 200 && view.json().get("version").asLong() == 2;
        }, "the referral's events never all reached the read model");
        var view = derm.get("/api/referrals/" + id).json();
        assertThat(view.get("status").asText()).isEqualTo("accepted");
        var deliveries = failingHandler.deliveriesOf(id);
        assertThat(deliveries.get(deliveries.size() - 1).deadLetters())
                .as("the accept was dead-lettered behind the failing send, not applied before it").isEqualTo(2);
        var timeline = gp.get("/api/referrals/" + id + "/timeline").json();
        assertThat(timeline).hasSize(2);
        assertThat(timeline.get(0).get("event").asText()).isEqualTo("ReferralSent");
        assertThat(timeline.get(1).get("event").asText()).isEqualTo("ReferralAccepted");
    }

    /**
     * A write whose read model has not caught up in time still answers what it wrote (id and version, matching the
     * ETag), never a null body or an older view (WriteResponses; docs/API.md, "Rules every write follows").
     */
    @Test
    void aWriteWhoseReadModelIsLateStillAnswersWithWhatWasWritten() {
        var gp = DemoClinics.at(port).gp();
        // Fails for longer than the write waits for its read model (careloop.read-your-writes-timeout, 1 s here).
        failingHandler.failFor("MRN-FAILS-LONGER", 5);

        var sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-FAILS-LONGER"));

        assertThat(sent.status()).isEqualTo(201);
        assertThat(sent.header("ETag")).isEqualTo("\"1\"");
        assertThat(sent.body()).as("body of a 201 whose read model is late").isNotBlank().isNotEqualTo("null");
        assertThat(sent.json().path("referralId").asText()).isEqualTo(idFrom(sent));
        assertThat(sent.json().path("version").asLong()).isEqualTo(1);
    }

    private static String idFrom(CareLoopClient.Response created) {
        String location = created.header("Location");
        assertThat(location).startsWith("/api/referrals/");
        return location.substring("/api/referrals/".length());
    }

    private int deadLetters(String referralId) {
        return jdbc.queryForObject("SELECT count(*) FROM dead_letter_entry WHERE sequence_identifier = ?",
                Integer.class, referralId);
    }

    static void awaitTrue(Duration timeout, BooleanSupplier condition, String failure) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as(failure).isBefore(deadline);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class FailingHandlerConfiguration {
        @Bean
        FailingReferralHandler failingReferralHandler(JdbcTemplate jdbc) {
            return new FailingReferralHandler(jdbc);
        }
    }

    /**
     * Joins the read models' processing group ahead of them and, for the patients a test names, throws on
     * ReferralSent the given number of times. Records each delivery and how many dead letters its referral had then.
     */
    @ProcessingGroup("referrals")
    @Order(Ordered.HIGHEST_PRECEDENCE)
    static class FailingReferralHandler {

        record Delivery(String referralId, boolean failed, int deadLetters) {
        }

        private final Map<String, AtomicInteger> failuresLeftByMrn = new ConcurrentHashMap<>();
        final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        private final JdbcTemplate jdbc;

        FailingReferralHandler(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        void failFor(String mrn, int times) {
            failuresLeftByMrn.put(mrn, new AtomicInteger(times));
        }

        List<Delivery> deliveriesOf(String referralId) {
            return deliveries.stream().filter(d -> d.referralId().equals(referralId)).toList();
        }

        @EventHandler
        void on(ReferralSent e) {
            AtomicInteger failuresLeft = failuresLeftByMrn.get(e.patient().identifierValue());
            if (failuresLeft == null) {
                return;
            }
            int deadLetters = jdbc.queryForObject(
                    "SELECT count(*) FROM dead_letter_entry WHERE sequence_identifier = ?", Integer.class,
                    e.referralId());
            boolean fail = failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            deliveries.add(new Delivery(e.referralId(), fail, deadLetters));
            if (fail) {
                throw new IllegalStateException("projection failure injected by ProjectionFailureTest");
            }
        }
    }
}

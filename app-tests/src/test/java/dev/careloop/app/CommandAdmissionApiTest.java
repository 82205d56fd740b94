package dev.careloop.app;

import dev.careloop.command.web.CommandAdmission;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.careloop.app.DemoClinics.DERM;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Commands take turns (CommandAdmission): while every turn is taken, a command waits, and one whose turn does not
 * come within the admission wait is answered 503 problem+json with Retry-After and writes nothing; reads are not held
 * back meanwhile; the turns are metrics. One turn and a short wait here, in a context of its own.
 */
@SpringBootTest(classes = CareLoopApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"careloop.commands.concurrency=1", "careloop.commands.admission-wait=PT0.3S"})
@ActiveProfiles({"local", "test"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class CommandAdmissionApiTest {

    @LocalServerPort
    int port;
    @Autowired
    CommandAdmission admission;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aCommandWhoseTurnDoesNotComeIsAnswered503AndWritesNothingWhileReadsGoOn() throws Exception {
        var gp = DemoClinics.at(port).gp();
        var sent = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, "MRN-TURN-1"));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        String id = sent.json().get("referralId").asString();
        long events = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);

        CountDownLatch taken = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread longCommand = new Thread(() -> admission.run(() -> {
            taken.countDown();
            try {
                return release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }));
        longCommand.start();
        try {
            assertThat(taken.await(10, TimeUnit.SECONDS)).isTrue();

            var refused = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, "MRN-TURN-2"));
            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.json().get("detail").asString()).contains("nothing was written");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class))
                    .as("events after the refused command").isEqualTo(events);

            var read = gp.get("/api/referrals/" + id);
            assertThat(read.status()).as("a read while every turn is taken").isEqualTo(200);
            // The test's HTTP client sends a request answered 503 once more by itself: one or two refusals.
            assertThat(prometheus()).contains("careloop_commands_running 1.0")
                    .containsPattern("careloop_commands_refused_total [12]\\.0");
        } finally {
            release.countDown();
            longCommand.join(10_000);
        }

        var again = gp.post("/api/referrals", CareLoopClient.referralTo(DERM, "MRN-TURN-2"));
        assertThat(again.status()).as("the same command once a turn is free").isEqualTo(201);
        assertThat(prometheus()).contains("careloop_commands_running 0.0").contains("careloop_commands_waiting 0.0");
    }

    private String prometheus() {
        return DemoClinics.at(port).admin().get("/actuator/prometheus").body();
    }
}

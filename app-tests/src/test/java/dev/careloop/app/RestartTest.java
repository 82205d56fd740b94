package dev.careloop.app;

import dev.careloop.api.PatientIds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.FileSystemUtils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.careloop.app.ProjectionFailureTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * What users did survives a restart on the same PostgreSQL data directory: the read models, and the SLA
 * deadline a referral was waiting for (db-scheduler's table), which fires in the new process.
 */
class RestartTest {

    private static final String MRN_SYSTEM = "https://northside-gp.example/mrn";

    /** Long enough for the first process to stop before the deadline is due, short enough to wait for. */
    private static final Duration ROUTINE_SLA = Duration.ofSeconds(10);

    private final Path dataDir = Path.of("target", "restart-test-" + System.nanoTime()).toAbsolutePath();
    private ConfigurableApplicationContext running;

    @AfterEach
    void stopAndDeleteTheData() throws IOException {
        if (running != null) {
            running.close();
        }
        FileSystemUtils.deleteRecursively(dataDir);
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void readModelsAndAPendingSlaDeadlineSurviveARestart() {
        // First process: one referral left untriaged (its SLA pending), one accepted (its SLA cancelled).
        running = start();
        int port = port(running);
        var gp = CareLoopClient.as(port, "northside-gp-staff");
        var derm = CareLoopClient.as(port, "riverside-derm-staff");
        String untriaged = idFrom(gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-RESTART-1")));
        String accepted = idFrom(gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-RESTART-2")));
        assertThat(derm.post("/api/referrals/" + accepted + "/accept", null).status()).isEqualTo(200);
        awaitVersion(derm, accepted, 2);
        awaitVersion(derm, untriaged, 1);
        var untriagedBefore = derm.get("/api/referrals/" + untriaged);
        var acceptedBefore = derm.get("/api/referrals/" + accepted);
        Instant slaDueAt = Instant.parse(untriagedBefore.json().get("slaDueAt").asText());
        assertThat(untriagedBefore.json().get("overdue").asBoolean()).isFalse();

        // The patient's keyed id (not the id anyone could compute from the MRN) is the same after the restart.
        String keyed = running.getBean(PatientIds.class).idFor(MRN_SYSTEM, "MRN-RESTART-1");
        assertThat(untriagedBefore.json().get("patient").get("patientId").asText()).isEqualTo(keyed);
        assertThat(keyed).isNotEqualTo(UUID.nameUUIDFromBytes((MRN_SYSTEM + "|MRN-RESTART-1")
                .getBytes(StandardCharsets.UTF_8)).toString());

        JdbcTemplate jdbc = running.getBean(JdbcTemplate.class);
        List<Timestamp> pending = pendingDeadlines(jdbc);
        assertThat(pending).as("SLA deadlines in scheduled_tasks: the untriaged referral's (accepting cancels one)")
                .hasSize(1);
        assertThat(pending.get(0).toInstant()).isCloseTo(slaDueAt, within(Duration.ofSeconds(1)));

        running.close();
        running = null;
        Instant stopped = Instant.now();
        assertThat(stopped).as("the first process must stop before the deadline is due, or this test proves "
                + "nothing about the restart (raise ROUTINE_SLA)").isBefore(slaDueAt);

        // Second process on the same data directory.
        running = start();
        port = port(running);
        gp = CareLoopClient.as(port, "northside-gp-staff");
        derm = CareLoopClient.as(port, "riverside-derm-staff");

        assertThat(running.getBean(PatientIds.class).idFor(MRN_SYSTEM, "MRN-RESTART-1")).isEqualTo(keyed);
        var acceptedAfter = derm.get("/api/referrals/" + accepted);
        assertThat(acceptedAfter.status()).isEqualTo(200);
        assertThat(acceptedAfter.header("ETag")).isEqualTo(acceptedBefore.header("ETag"));
        assertThat(acceptedAfter.json().get("status").asText()).isEqualTo("accepted");
        assertThat(gp.get("/api/referrals/" + accepted + "/timeline").json()).hasSize(2);
        var untriagedAfter = derm.get("/api/referrals/" + untriaged);
        assertThat(untriagedAfter.status()).isEqualTo(200);
        assertThat(untriagedAfter.json().get("referralNumber").asText())
                .isEqualTo(untriagedBefore.json().get("referralNumber").asText());
        assertThat(derm.get("/api/referrals?box=inbox").body()).contains(untriaged, accepted);
        assertThat(gp.get("/api/referrals?box=outbox").body()).contains(untriaged, accepted);

        var dermAfterRestart = derm;
        awaitTrue(Duration.ofSeconds(25), () -> dermAfterRestart.get("/api/referrals?box=inbox&overdue=true")
                .body().contains(untriaged), "the SLA deadline pending at shutdown never fired after the restart");
        String overdueInbox = derm.get("/api/referrals?box=inbox&overdue=true").body();
        assertThat(overdueInbox).doesNotContain(accepted);
        assertThat(derm.get("/api/referrals/" + untriaged).json().get("overdue").asBoolean()).isTrue();

        jdbc = running.getBean(JdbcTemplate.class);
        Map<String, Object> missed = jdbc.queryForMap("SELECT time_stamp, payload->>'dueAt' AS due FROM event_log "
                + "WHERE aggregate_identifier = ? AND payload_type LIKE '%.ReferralSlaMissed'", untriaged);
        assertThat(Instant.parse((String) missed.get("time_stamp"))).as("missed in the second process")
                .isAfter(stopped);
        assertThat(Instant.parse((String) missed.get("due"))).isCloseTo(slaDueAt, within(Duration.ofMillis(1)));
        assertThat(pendingDeadlines(jdbc)).as("a fired deadline leaves scheduled_tasks").isEmpty();
    }

    private ConfigurableApplicationContext start() {
        // Command-line arguments: they outrank application-test.yml (default properties would not).
        return new SpringApplicationBuilder(CareLoopApplication.class)
                .profiles("local", "test")
                .run("--careloop.data-dir=" + dataDir,
                        "--careloop.embedded-db-ephemeral=false",
                        "--server.port=0",
                        "--careloop.sla.routine=" + ROUTINE_SLA);
    }

    private static int port(ConfigurableApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    /** Axon's deadlines in db-scheduler's table (task_data is opaque, so they are told apart by time). */
    private static List<Timestamp> pendingDeadlines(JdbcTemplate jdbc) {
        return jdbc.queryForList("SELECT execution_time FROM scheduled_tasks WHERE task_name = 'AxonDeadline'",
                Timestamp.class);
    }

    private static void awaitVersion(CareLoopClient client, String referralId, long version) {
        awaitTrue(Duration.ofSeconds(5), () -> {
            var view = client.get("/api/referrals/" + referralId);
            return view.status() == 200 && view.json().get("version").asLong() == version;
        }, "referral " + referralId + " never reached version " + version + " in the read model");
    }

    private static String idFrom(CareLoopClient.Response created) {
        assertThat(created.status()).isEqualTo(201);
        return created.header("Location").substring("/api/referrals/".length());
    }
}

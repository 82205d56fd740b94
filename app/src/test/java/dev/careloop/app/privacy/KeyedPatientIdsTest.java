package dev.careloop.app.privacy;

import dev.careloop.api.PatientIds;
import dev.careloop.app.Await;
import dev.careloop.app.CareLoopApplication;
import dev.careloop.app.CareLoopClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two CareLoop nodes on one PostgreSQL give a patient the same keyed id, which survives a restart and is not the
 * id anyone could compute from the MRN.
 */
class KeyedPatientIdsTest {

    private static final String MRN_SYSTEM = "https://northside-gp.example/mrn";

    private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();
    private EmbeddedPostgres postgres;
    private Path dataDir;

    @AfterEach
    void stop() throws IOException {
        nodes.forEach(ConfigurableApplicationContext::close);
        if (postgres != null) {
            postgres.close();
        }
        if (dataDir != null) {
            FileSystemUtils.deleteRecursively(dataDir);
        }
    }

    @Test
    void twoNodesOnOneDatabaseGiveThePatientOneKeyedIdThatSurvivesARestart() throws IOException {
        postgres = EmbeddedPostgres.builder().setRegisterShutdownHook(false).start();
        dataDir = Files.createTempDirectory("careloop-keyed-ids");
        ConfigurableApplicationContext first = start();
        ConfigurableApplicationContext second = start();
        String mrn = "KEYED-" + UUID.randomUUID().toString().substring(0, 8);
        String keyed = first.getBean(PatientIds.class).idFor(MRN_SYSTEM, mrn);
        assertThat(second.getBean(PatientIds.class).idFor(MRN_SYSTEM, mrn)).isEqualTo(keyed);
        assertThat(keyed).isNotEqualTo(UUID.nameUUIDFromBytes((MRN_SYSTEM + "|" + mrn)
                .getBytes(StandardCharsets.UTF_8)).toString());

        // Sent through one node, read through the other: the patient is named by the keyed id.
        CareLoopClient gp = CareLoopClient.as(port(first), "northside-gp-staff");
        CareLoopClient.Response sent = gp.post("/api/referrals", CareLoopClient.referralTo("riverside-derm", mrn));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        assertThat(sent.json().get("patient").get("patientId").asString()).isEqualTo(keyed);
        String referralId = sent.json().get("referralId").asString();
        CareLoopClient derm = CareLoopClient.as(port(second), "riverside-derm-staff");
        Await.until(Duration.ofSeconds(10), () -> derm.get("/api/referrals?box=inbox&patient=" + keyed).body()
                .contains(referralId), "the referral in riverside-derm's inbox, found by the keyed patient id");

        first.close();
        nodes.remove(first);
        ConfigurableApplicationContext restarted = start();
        assertThat(restarted.getBean(PatientIds.class).idFor(MRN_SYSTEM, mrn)).isEqualTo(keyed);
    }

    private ConfigurableApplicationContext start() {
        ConfigurableApplicationContext node = new SpringApplicationBuilder(CareLoopApplication.class)
                .profiles("local", "test")
                .run("--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                        "--spring.datasource.username=postgres",
                        "--careloop.data-dir=" + dataDir,
                        "--server.port=0");
        nodes.add(node);
        return node;
    }

    private static int port(ConfigurableApplicationContext node) {
        return node.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }
}

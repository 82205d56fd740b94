package dev.careloop.app.privacy;

import dev.careloop.api.PatientIds;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The patient-id secret behind {@link PatientIds}: one per database, agreed by nodes that start together, kept
 * across restarts, wrapped by the master key, or kept by the operator outside the database.
 */
class PatientIdSecretTest {

    private static final String MRN = "https://northside-gp.example/mrn";
    private static EmbeddedPostgres server;

    private JdbcTemplate jdbc;

    @BeforeAll
    static void start() throws IOException {
        server = EmbeddedPostgres.builder().setRegisterShutdownHook(false).start();
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
    }

    @BeforeEach
    void freshDatabase() {
        jdbc = freshDatabaseWithMigrations();
    }

    @Test
    void nodesStartingTogetherOnOneDatabaseAgreeOnTheId() throws Exception {
        int nodes = 4;
        CyclicBarrier together = new CyclicBarrier(nodes);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            Callable<String> node = () -> {
                together.await();
                return start(jdbc, noMasterKey(), "").idFor(MRN, "NG-1001");
            };
            List<Future<String>> ids = pool.invokeAll(List.of(node, node, node, node));
            assertThat(ids.stream().map(PatientIdSecretTest::get).distinct()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM platform_secret", Integer.class)).isEqualTo(1);
    }

    @Test
    void aRestartKeepsTheId() {
        String before = start(jdbc, noMasterKey(), "").idFor(MRN, "NG-1001");
        assertThat(start(jdbc, noMasterKey(), "").idFor(MRN, "NG-1001")).isEqualTo(before);
    }

    @Test
    void anotherDatabaseHasAnotherSecretAndSoAnotherId() {
        String here = start(jdbc, noMasterKey(), "").idFor(MRN, "NG-1001");
        String there = start(freshDatabaseWithMigrations(), noMasterKey(), "").idFor(MRN, "NG-1001");
        assertThat(here).isNotEqualTo(there);
    }

    @Test
    void theSecretIsWrappedByTheMasterKeyAndUnreadableWithoutIt() {
        MasterKey master = new MasterKey(randomBase64(32));
        String id = start(jdbc, master, "").idFor(MRN, "NG-1001");
        assertThat(jdbc.queryForObject("SELECT wrapped FROM platform_secret", Boolean.class)).isTrue();
        assertThat(start(jdbc, master, "").idFor(MRN, "NG-1001")).isEqualTo(id);
        assertThatThrownBy(() -> start(jdbc, noMasterKey(), "")).hasMessageContaining("careloop.privacy.master-key");
        assertThatThrownBy(() -> start(jdbc, new MasterKey(randomBase64(32)), ""))
                .as("another master key cannot open it").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSecretStoredBeforeAMasterKeyWasConfiguredIsWrappedOnTheNextStartAndKeepsItsIds() {
        String id = start(jdbc, noMasterKey(), "").idFor(MRN, "NG-1001");
        byte[] plain = jdbc.queryForObject("SELECT material FROM platform_secret", byte[].class);
        MasterKey master = new MasterKey(randomBase64(32));
        assertThat(start(jdbc, master, "").idFor(MRN, "NG-1001")).isEqualTo(id);
        assertThat(jdbc.queryForObject("SELECT wrapped FROM platform_secret", Boolean.class)).isTrue();
        assertThat(jdbc.queryForObject("SELECT material FROM platform_secret", byte[].class)).isNotEqualTo(plain);
        assertThat(start(jdbc, master, "").idFor(MRN, "NG-1001")).isEqualTo(id);
    }

    @Test
    void anOperatorMayKeepTheSecretOutsideTheDatabase() {
        String configured = randomBase64(32);
        String id = start(jdbc, noMasterKey(), configured).idFor(MRN, "NG-1001");
        assertThat(id).isEqualTo(new PatientIds(Base64.getDecoder().decode(configured)).idFor(MRN, "NG-1001"));
        assertThat(jdbc.queryForObject("SELECT material IS NULL FROM platform_secret", Boolean.class))
                .as("only its fingerprint is kept").isTrue();
        assertThat(start(jdbc, noMasterKey(), configured).idFor(MRN, "NG-1001")).isEqualTo(id);
        // Dropping the setting, or changing it, would give every patient a second id: refused.
        assertThatThrownBy(() -> start(jdbc, noMasterKey(), ""))
                .hasMessageContaining("careloop.privacy.patient-id-secret");
        assertThatThrownBy(() -> start(jdbc, noMasterKey(), randomBase64(32)))
                .hasMessageContaining("is not the patient-id secret");
    }

    @Test
    void aConfiguredSecretMustMatchTheOneTheDatabaseAlreadyUses() {
        start(jdbc, noMasterKey(), "");
        assertThatThrownBy(() -> start(jdbc, noMasterKey(), randomBase64(32)))
                .hasMessageContaining("kept in the database");
    }

    @Test
    void aShortConfiguredSecretIsRefused() {
        assertThatThrownBy(() -> start(jdbc, noMasterKey(), randomBase64(16))).hasMessageContaining("32 bytes");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM platform_secret", Integer.class)).isZero();
    }

    private static PatientIds start(JdbcTemplate jdbc, MasterKey master, String configured) {
        return new PatientIdSecret().patientIds(jdbc, master, configured);
    }

    private static MasterKey noMasterKey() {
        return new MasterKey("");
    }

    private static String randomBase64(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return Base64.getEncoder().encodeToString(random);
    }

    private static JdbcTemplate freshDatabaseWithMigrations() {
        String name = "ids_" + UUID.randomUUID().toString().replace("-", "");
        new JdbcTemplate(server.getPostgresDatabase()).execute("CREATE DATABASE " + name);
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(server.getJdbcUrl("postgres", name));
        dataSource.setUser("postgres");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return new JdbcTemplate(dataSource);
    }

    private static String get(Future<String> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

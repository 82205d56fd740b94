package dev.careloop.app.privacy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.crypto.SecretKey;
import javax.sql.DataSource;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Patient keys (crypto-shredding): made or read in one statement, cached per process, and a key made in a
 * transaction that rolls back is forgotten with it.
 */
class PatientKeysTest {

    private static EmbeddedPostgres server;

    private final AtomicInteger statements = new AtomicInteger();
    private JdbcTemplate jdbc;
    private TransactionTemplate transactions;
    private PatientKeys keys;

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
        String name = "keys_" + UUID.randomUUID().toString().replace("-", "");
        new JdbcTemplate(server.getPostgresDatabase()).execute("CREATE DATABASE " + name);
        PGSimpleDataSource plain = new PGSimpleDataSource();
        plain.setUrl(server.getJdbcUrl("postgres", name));
        plain.setUser("postgres");
        Flyway.configure().dataSource(plain).locations("classpath:db/migration").load().migrate();
        DataSource counted = counting(plain);
        jdbc = new JdbcTemplate(counted);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(counted));
        keys = keysOn(jdbc);
    }

    @Test
    void aNewPatientsKeyIsMadeInOneStatementAndThenServedFromTheCache() {
        statements.set(0);
        SecretKey made = keys.keyForSealing("patient-new").orElseThrow();
        assertThat(statements.get()).as("statements to make the key").isEqualTo(1);
        assertThat(storedKeys("patient-new")).isEqualTo(1);

        statements.set(0);
        assertThat(keys.keyForSealing("patient-new")).contains(made);
        assertThat(statements.get()).as("statements for a cached key").isZero();
    }

    @Test
    void aKnownPatientsKeyIsReadInOneStatementAndLeftAsItIs() {
        SecretKey first = keys.keyForSealing("patient-known").orElseThrow();
        PatientKeys otherProcess = keysOn(jdbc);

        statements.set(0);
        assertThat(otherProcess.keyForSealing("patient-known")).contains(first);
        assertThat(statements.get()).isEqualTo(1);
        assertThat(storedKeys("patient-known")).isEqualTo(1);
    }

    @Test
    void anErasedPatientGetsNoNewKey() {
        keys.keyForSealing("patient-erased");
        keys.destroy("patient-erased");

        assertThat(keysOn(jdbc).keyForSealing("patient-erased")).isEmpty();
    }

    @Test
    void aKeyMadeInATransactionThatRolledBackIsForgotten() {
        SecretKey rolledBack = transactions.execute(status -> {
            SecretKey key = keys.keyForSealing("patient-rolled-back").orElseThrow();
            status.setRollbackOnly();
            return key;
        });
        assertThat(storedKeys("patient-rolled-back")).isZero();

        SecretKey kept = transactions.execute(status -> keys.keyForSealing("patient-rolled-back").orElseThrow());

        assertThat(kept).isNotEqualTo(rolledBack);
        // What was sealed with it can be opened by any process: the key is the one the database holds.
        assertThat(keysOn(jdbc).key("patient-rolled-back")).contains(kept);
    }

    @Test
    void aKeyMadeInATransactionThatCommittedIsKept() {
        SecretKey made = transactions.execute(status -> keys.keyForSealing("patient-committed").orElseThrow());

        statements.set(0);
        assertThat(keys.keyForSealing("patient-committed")).contains(made);
        assertThat(statements.get()).isZero();
        assertThat(keysOn(jdbc).key("patient-committed")).contains(made);
    }

    private int storedKeys(String patientId) {
        return jdbc.queryForObject("SELECT count(*) FROM patient_key WHERE patient_id = ?", Integer.class, patientId);
    }

    private static PatientKeys keysOn(JdbcTemplate jdbc) {
        return new PatientKeys(jdbc, new MasterKey(""), Duration.ofSeconds(30), true);
    }

    /** The data source, counting every statement prepared or created on its connections. */
    private DataSource counting(DataSource target) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(target, method, args);
                    if (result instanceof Connection connection) {
                        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Connection.class},
                                (p, m, a) -> {
                                    if (m.getName().equals("prepareStatement") || m.getName().equals("createStatement")
                                            || m.getName().equals("prepareCall")) {
                                        statements.incrementAndGet();
                                    }
                                    return invoke(connection, m, a);
                                });
                    }
                    return result;
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}

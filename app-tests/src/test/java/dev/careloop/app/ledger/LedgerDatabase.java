package dev.careloop.app.ledger;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * A fresh database with CareLoop's migrations for each ledger test (tamper tests corrupt the log, so no test
 * shares one), on one embedded PostgreSQL per test JVM. Events are appended as Axon's JDBC storage does: plain
 * INSERTs into domain_event_entry; {@link #chain()} runs the chainer that links them after they commit.
 */
public final class LedgerDatabase {

    private static EmbeddedPostgres server;

    public final DataSource dataSource;
    public final JdbcTemplate jdbc;
    final String url;
    private int appended;

    private LedgerDatabase(DataSource dataSource, String url) {
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
        this.url = url;
    }

    public static LedgerDatabase fresh() {
        String name = "ledger_" + UUID.randomUUID().toString().replace("-", "");
        new JdbcTemplate(server().getPostgresDatabase()).execute("CREATE DATABASE " + name);
        String url = server().getJdbcUrl("postgres", name);
        // Pooled, as the application's are: a plain data source opens a connection (a new server process) for every
        // statement, and a test that appended a thousand events spent most of its 37 s forking. No idle connection
        // is kept, so the databases of finished tests hold none.
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(url);
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(16);
        dataSource.setMinimumIdle(0);
        dataSource.setIdleTimeout(10_000);
        dataSource.setPoolName(name);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return new LedgerDatabase(dataSource, url);
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }

    /** Appends one event of aggregate {@code aggregateId}; returns its global index. */
    long append(String aggregateId, long sequence, String payloadJson) {
        return append(jdbc, aggregateId, sequence, payloadJson, Instant.now());
    }

    /** Appends one event through {@code on} (a transaction of the caller's), created at {@code at}. */
    static long append(JdbcTemplate on, String aggregateId, long sequence, String payloadJson, Instant at) {
        return on.queryForObject("""
                        INSERT INTO domain_event_entry (aggregate_identifier, sequence_number, type, event_identifier,
                            meta_data, payload, payload_revision, payload_type, time_stamp)
                        VALUES (?, ?, 'Referral', ?, ?, ?, NULL, 'dev.careloop.api.referral.ReferralAccepted', ?)
                        RETURNING global_index""", Long.class,
                aggregateId, sequence, UUID.randomUUID().toString(),
                "{\"userId\":\"dr-river\",\"organisation\":\"riverside-derm\"}".getBytes(StandardCharsets.UTF_8),
                payloadJson.getBytes(StandardCharsets.UTF_8), at.toString());
    }

    /** Links every committed event into the chain, as the application's chainer does after commits. */
    long chain() {
        return new Chainer(dataSource, java.time.Duration.ofMillis(250)).chainNow();
    }

    /** Appends {@code count} more events to a few referrals; returns the last global index. */
    long appendMany(int count) {
        long last = 0;
        for (int i = 0; i < count; i++) {
            int n = appended++;
            last = append("referral-" + (n % 3), n / 3, "{\"referralId\":\"referral-" + (n % 3) + "\",\"n\":" + n + "}");
        }
        return last;
    }

    /** What a superuser can do: switch the log's protection off for the next statement. */
    public void asSuperuserWithoutTriggers(String table, String sql, Object... args) {
        jdbc.execute("ALTER TABLE " + table + " DISABLE TRIGGER USER");
        try {
            jdbc.update(sql, args);
        } finally {
            jdbc.execute("ALTER TABLE " + table + " ENABLE TRIGGER USER");
        }
    }
}

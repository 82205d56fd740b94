package dev.careloop.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server floor loads what the rebuilt tables hold into copies, times it, and leaves nothing behind. */
class ServerFloorTest {

    private static EmbeddedPostgres postgres;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.start();
        url = postgres.getJdbcUrl("postgres", "postgres");
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("""
                    CREATE TABLE domain_event_entry (global_index BIGINT PRIMARY KEY, type VARCHAR(255),
                        aggregate_identifier VARCHAR(255), sequence_number BIGINT, event_identifier VARCHAR(255),
                        time_stamp VARCHAR(255), payload_type VARCHAR(255), payload_revision VARCHAR(255),
                        payload BYTEA, meta_data BYTEA)""");
            st.execute("""
                    INSERT INTO domain_event_entry SELECT i, 'Referral', 'r-' || i, 0, 'e-' || i,
                        '2026-11-23T23:30:08.011Z', 'ReferralSent', NULL, convert_to('{}', 'UTF8'), NULL
                    FROM generate_series(1, 500) i""");
            st.execute("CREATE TABLE referral_view (referral_id TEXT PRIMARY KEY, recipient_org TEXT NOT NULL, "
                    + "participants TEXT[] NOT NULL, details JSONB)");
            st.execute("CREATE INDEX referral_view_inbox ON referral_view (recipient_org)");
            st.execute("INSERT INTO referral_view SELECT 'r-' || i, 'org-' || (i % 7), ARRAY['a', 'b'], "
                    + "'{\"note\": \"tab\\there\"}' FROM generate_series(1, 500) i");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void timesTheLoadOfTheRebuiltRowsAndLeavesNothingBehind() throws Exception {
        ServerFloor.Run run = new ServerFloor(url).run(500, List.of("referral_view"));

        assertThat(run.seconds()).isPositive();
        assertThat(run.phases()).containsOnlyKeys("log out", "COPY in", "indexes", "ANALYZE");
        assertThat(run.phases().values()).allMatch(spent -> spent > 0);
        assertThat(count("SELECT count(*) FROM pg_namespace WHERE nspname = 'bench_floor'")).isZero();
        assertThat(count("SELECT count(*) FROM referral_view")).isEqualTo(500);
    }

    @Test
    void aTableThatCannotBeLoadedFailsTheMeasurement() {
        assertThatThrownBy(() -> new ServerFloor(url).run(500, List.of("no_such_table")))
                .hasMessageContaining("no_such_table");
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

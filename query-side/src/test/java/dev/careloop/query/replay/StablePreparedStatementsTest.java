package dev.careloop.query.replay;

import dev.careloop.query.ReadModelDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store's statement keeps one server-side prepared statement on a connection whether a text column is null or
 * not (issue 19). pgjdbc binds a String as {@code varchar} and a null as "unspecified"; a statement prepared for the
 * one is parsed again for the other, and PostgreSQL plans a freshly parsed statement on every execution. The upsert
 * of the referral view, whose optional text columns (an appointment's location, a decline reason, an assignee)
 * come and go from one command to the next, was planned on nearly every call under the benchmark.
 */
class StablePreparedStatementsTest {

    record Visit(String id, String location, String note, Instant at, long version) {
    }

    private static final RowTable<Visit> TABLE = RowTable.<Visit>named("stable_prepared_visit")
            .column("id", Visit::id).column("location", Visit::location).column("note", Visit::note)
            .column("at", Visit::at).column("version", Visit::version)
            .key("id").version("version")
            .reader(rs -> new Visit(rs.getString("id"), rs.getString("location"), rs.getString("note"),
                    rs.getTimestamp("at") == null ? null : rs.getTimestamp("at").toInstant(), rs.getLong("version")));

    private Connection connection;
    private JdbcTemplate onOneConnection;

    @BeforeEach
    void oneConnection() throws SQLException {
        JdbcTemplate jdbc = ReadModelDatabase.jdbc();
        jdbc.execute("CREATE TABLE IF NOT EXISTS stable_prepared_visit (id text PRIMARY KEY, location text, "
                + "note text, at timestamptz, version bigint NOT NULL)");
        jdbc.update("DELETE FROM stable_prepared_visit");
        connection = jdbc.getDataSource().getConnection();
        onOneConnection = new JdbcTemplate(new SingleConnectionDataSource(connection, true));
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    @Test
    void anUpsertWhoseTextColumnsComeAndGoIsPreparedOnce() {
        Rows<Visit> rows = new JdbcStores(onOneConnection).rows(TABLE);
        for (int version = 1; version <= 12; version++) {
            boolean bare = version % 2 == 1;
            rows.put(new Visit("v-" + version % 3, bare ? null : "Room " + version, bare ? "first" : null,
                    bare ? null : Instant.parse("2026-12-05T10:00:00Z"), version));
            assertThat(rows.find("v-" + version % 3).location()).isEqualTo(bare ? null : "Room " + version);
        }

        // pgjdbc prepares a statement on the server at its fifth execution (prepareThreshold); a statement parsed
        // again replaces the one before it, so what is left has run only since then.
        assertThat(runsOfThePreparedStatement("INSERT INTO stable_prepared_visit%"))
                .as("the upsert's executions on its one server-side statement, nulls and texts alike")
                .isEqualTo(12 - 4);
        assertThat(runsOfThePreparedStatement("SELECT * FROM stable_prepared_visit%")).isEqualTo(12 - 4);
    }

    private long runsOfThePreparedStatement(String like) {
        List<Long> runs = onOneConnection.queryForList("SELECT generic_plans + custom_plans FROM "
                + "pg_prepared_statements WHERE statement LIKE ?", Long.class, like);
        assertThat(runs).as("one statement prepared on the server").hasSize(1);
        return runs.get(0);
    }
}

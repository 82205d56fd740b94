package dev.careloop.app.infra;

import dev.careloop.app.CareLoopIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's connections send a JDBC batch of inserts as multi-row INSERTs (issue 19): a processor batch's
 * journal rows and upserts, and a command's events, are one statement each where each row was its own. pgjdbc cuts a
 * batch into statements of a power of two rows (5 rows: 4 and 1), so the batches here are 8 and 4 rows. Counted by a
 * statement-level trigger on a table of the test's own session.
 */
@CareLoopIntegrationTest
class BatchedInsertsTest {

    @Autowired
    DataSource dataSource;

    @Test
    void aBatchOfInsertsReachesPostgreSQLAsOneStatement() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            countedTable(connection);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO pg_temp.batched (id, version) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")) {
                for (int i = 1; i <= 8; i++) {
                    insert.setString(1, "row-" + i);
                    insert.setLong(2, 1);
                    insert.addBatch();
                }
                insert.executeBatch();
            }

            assertThat(query(connection, "SELECT count(*) FROM pg_temp.batched")).isEqualTo(8);
            assertThat(query(connection, "SELECT statements FROM pg_temp.statements")).isEqualTo(1);
        }
    }

    @Test
    void aMultiRowUpsertStillKeepsANewerRowAgainstAnOlderOne() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            countedTable(connection);
            try (Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO pg_temp.batched VALUES ('kept', 5), ('moved', 1)");
                statement.execute("UPDATE pg_temp.statements SET statements = 0");
            }
            try (PreparedStatement upsert = connection.prepareStatement("""
                    INSERT INTO pg_temp.batched (id, version) VALUES (?, ?)
                    ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version
                    WHERE pg_temp.batched.version <= EXCLUDED.version""")) {
                for (Object[] row : new Object[][]{{"kept", 3L}, {"moved", 2L}, {"new", 1L}, {"other", 4L}}) {
                    upsert.setString(1, (String) row[0]);
                    upsert.setLong(2, (Long) row[1]);
                    upsert.addBatch();
                }
                upsert.executeBatch();
            }

            assertThat(query(connection, "SELECT version FROM pg_temp.batched WHERE id = 'kept'")).isEqualTo(5);
            assertThat(query(connection, "SELECT version FROM pg_temp.batched WHERE id = 'moved'")).isEqualTo(2);
            assertThat(query(connection, "SELECT version FROM pg_temp.batched WHERE id = 'new'")).isEqualTo(1);
            assertThat(query(connection, "SELECT version FROM pg_temp.batched WHERE id = 'other'")).isEqualTo(4);
            assertThat(query(connection, "SELECT statements FROM pg_temp.statements")).isEqualTo(1);
        }
    }

    /** A table of this session only, whose INSERT statements (not rows) are counted. */
    private static void countedTable(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS pg_temp.batched, pg_temp.statements");
            statement.execute("CREATE TEMP TABLE batched (id text PRIMARY KEY, version bigint NOT NULL)");
            statement.execute("CREATE TEMP TABLE statements (statements int NOT NULL)");
            statement.execute("INSERT INTO pg_temp.statements VALUES (0)");
            statement.execute("""
                    CREATE OR REPLACE FUNCTION pg_temp.count_statement() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN UPDATE pg_temp.statements SET statements = statements + 1; RETURN NULL; END $$""");
            statement.execute("CREATE TRIGGER counted AFTER INSERT ON pg_temp.batched "
                    + "FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.count_statement()");
        }
    }

    private static long query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }
}

package dev.careloop.app;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The event log is append-only in PostgreSQL itself (V1__event_store.sql), whatever the application does. */
@CareLoopIntegrationTest
class AppendOnlyEventStoreTest {

    /** PostgreSQL's insufficient_privilege, raised by the append-only trigger. */
    private static final String REFUSED = "42501";

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PlatformTransactionManager transactions;

    private String referralId;
    private Map<String, Object> sentRow;

    @BeforeEach
    void sendAReferral() {
        var sent = DemoClinics.at(port).gp()
                .post("/api/referrals", CareLoopClient.referralTo("riverside-derm", "MRN-APPEND-ONLY"));
        assertThat(sent.status()).isEqualTo(201);
        referralId = sent.json().get("referralId").asText();
        sentRow = firstEventOf(referralId);
    }

    @Test
    void anEventCannotBeRewritten() {
        assertThatThrownBy(() -> jdbc.update("UPDATE domain_event_entry SET payload = convert_to('{}', 'UTF8') "
                + "WHERE aggregate_identifier = ?", referralId))
                .satisfies(AppendOnlyEventStoreTest::refusedByTheTrigger);

        Map<String, Object> after = firstEventOf(referralId);
        assertThat((byte[]) after.get("payload")).isEqualTo((byte[]) sentRow.get("payload"));
        assertThat(after.get("event_identifier")).isEqualTo(sentRow.get("event_identifier"));
    }

    @Test
    void anEventCannotBeDeleted() {
        assertThatThrownBy(() -> jdbc.update("DELETE FROM domain_event_entry WHERE aggregate_identifier = ?",
                referralId))
                .satisfies(AppendOnlyEventStoreTest::refusedByTheTrigger);

        assertThat(firstEventOf(referralId).get("global_index")).isEqualTo(sentRow.get("global_index"));
    }

    @Test
    void theLogCannotBeTruncated() {
        long before = eventCount();
        // In a transaction that is rolled back whatever happens: should the trigger ever be missing, this test
        // fails without wiping the log that the other tests of this shared context rely on.
        TransactionTemplate tx = new TransactionTemplate(transactions);
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
            status.setRollbackOnly();
            jdbc.execute("TRUNCATE domain_event_entry");
        })).satisfies(AppendOnlyEventStoreTest::refusedByTheTrigger);

        assertThat(eventCount()).isEqualTo(before);
        assertThat(firstEventOf(referralId).get("global_index")).isEqualTo(sentRow.get("global_index"));
    }

    @Test
    void eventPayloadsAreReadableJsonThroughTheEventLogViewWithThePatientsIdentitySealed() {
        Map<String, Object> row = jdbc.queryForMap("""
                SELECT payload_type, payload->>'referralId' AS referral_id, payload->>'recipientOrganisation' AS recipient,
                       payload->'patient'->>'identifierValue' AS mrn, payload->'patient'->>'patientId' AS patient_id,
                       payload->'patient'->>'sealed' AS sealed, meta_data->>'organisation' AS organisation
                FROM event_log WHERE aggregate_identifier = ? AND sequence_number = 0""", referralId);

        assertThat(row.get("payload_type")).isEqualTo("dev.careloop.api.referral.ReferralSent");
        assertThat(row.get("referral_id")).isEqualTo(referralId);
        assertThat(row.get("recipient")).isEqualTo("riverside-derm");
        assertThat(row.get("organisation")).isEqualTo("northside-gp");
        // Identity is sealed under the patient's own key (crypto-shredding); the pseudonymous id stays readable.
        assertThat(row.get("mrn")).isNull();
        assertThat(row.get("patient_id")).isNotNull();
        assertThat((String) row.get("sealed")).isNotBlank().doesNotContain("MRN-APPEND-ONLY");
    }

    /**
     * No Java serialization anywhere: pending deadlines are JSON in scheduled_tasks, readable with psql and never
     * read back with ObjectInputStream (AxonInfrastructure: db-scheduler's JacksonSerializer and Axon's
     * human-readable deadline and event-scheduler tasks).
     */
    @Test
    void pendingDeadlinesAreStoredAsJsonNotJavaSerialization() {
        List<byte[]> deadlines = jdbc.queryForList(
                "SELECT task_data FROM scheduled_tasks WHERE task_name = 'AxonDeadline'", byte[].class);
        assertThat(deadlines).as("the SLA deadline of the referral just sent").isNotEmpty();
        for (byte[] data : deadlines) {
            assertThat(Arrays.copyOf(data, 2)).as("java.io serialization stream magic")
                    .isNotEqualTo(new byte[] {(byte) 0xAC, (byte) 0xED});
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM scheduled_tasks WHERE task_name = 'AxonDeadline' "
                + "AND jsonb_typeof(convert_from(task_data, 'UTF8')::jsonb) = 'object'", Long.class))
                .isEqualTo(deadlines.size());
    }

    private Map<String, Object> firstEventOf(String aggregateId) {
        return jdbc.queryForMap("SELECT global_index, event_identifier, payload FROM domain_event_entry "
                + "WHERE aggregate_identifier = ? AND sequence_number = 0", aggregateId);
    }

    private long eventCount() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
    }

    private static void refusedByTheTrigger(Throwable thrown) {
        assertThat(thrown).isInstanceOf(DataAccessException.class);
        Throwable cause = ((DataAccessException) thrown).getMostSpecificCause();
        assertThat(cause).isInstanceOf(SQLException.class).hasMessageContaining("append-only");
        assertThat(((SQLException) cause).getSQLState()).isEqualTo(REFUSED);
    }
}

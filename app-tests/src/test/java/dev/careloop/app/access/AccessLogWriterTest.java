package dev.careloop.app.access;

import dev.careloop.api.Actor;
import dev.careloop.api.access.AccessLog;
import dev.careloop.api.access.AccessNotRecorded;
import dev.careloop.api.access.ReadAccess;
import dev.careloop.app.ledger.LedgerDatabase;
import dev.careloop.plumbing.DatabaseOutage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The writer's promise: a read returns only once its entry is committed; concurrent reads share commits (group
 * commit); when the entry cannot be committed in time the read is refused, as a database outage is (a 503), and
 * never answered without its entry.
 */
class AccessLogWriterTest {

    private static final Actor DR_RIVER = new Actor("dr-river", "riverside-derm", Set.of(Actor.CLINICIAN),
            "careloop-web", "TREAT", "Dr River");

    private final List<AccessLogWriter> writers = new ArrayList<>();

    @AfterEach
    void stopWriters() throws InterruptedException {
        for (AccessLogWriter writer : writers) {
            writer.destroy();
        }
    }

    @Test
    void aRecordedReadIsCommittedWhenRecordReturns() {
        LedgerDatabase db = LedgerDatabase.fresh();
        AccessLogWriter writer = writer(db.dataSource, 100, Duration.ofSeconds(5));

        writer.record(ReadAccess.search(DR_RIVER, ReadAccess.REST, "Referral", "q=Sam Patel",
                List.of("r-1", "r-2"), "patient-1"));

        // Read on another connection: what record() acknowledged is already visible to everyone.
        assertThat(db.jdbc.queryForList("SELECT user_name, query, array_to_string(returned_ids, ',') AS ids, action "
                + "FROM access_entry")).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("user_name", "Dr River").containsEntry("query", "q=Sam Patel")
                .containsEntry("ids", "r-1,r-2").containsEntry("action", "E"));
    }

    @Test
    void anEntryHandedOverAtAuthorisationIsCommittedWhenAwaitReturnsAndTheReadWorksMeanwhile() {
        LedgerDatabase db = LedgerDatabase.fresh();
        AccessLogWriter writer = writer(db.dataSource, 100, Duration.ofSeconds(5));

        AccessLog.Recording entry = writer.enqueue(ReadAccess.read(DR_RIVER, ReadAccess.REST, "Referral",
                "referral-7", "patient-1"));
        // The read loads what it answers here; its entry is written meanwhile, off this thread.
        entry.await();

        assertThat(db.jdbc.queryForList("SELECT resource_id FROM access_entry", String.class))
                .containsExactly("referral-7");
        assertThat(new dev.careloop.app.ledger.AccessChainVerifier(db.dataSource).verify().intact()).isTrue();
    }

    @Test
    void anEntryHandedOverThatCannotBeCommittedRefusesTheReadWhenItAwaits() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setUrl("jdbc:postgresql://127.0.0.1:1/careloop?connectTimeout=1");
        AccessLogWriter writer = writer(nowhere, 10, Duration.ofSeconds(5));

        AccessLog.Recording entry = writer.enqueue(ReadAccess.read(DR_RIVER, ReadAccess.REST, "Referral", "r-1",
                null));

        assertThatThrownBy(entry::await).isInstanceOf(AccessNotRecorded.class)
                .satisfies(refused -> assertThat(DatabaseOutage.causedBy(refused)).isTrue());
    }

    @Test
    void aQueryWithANulIsRecordedNotLost() {
        LedgerDatabase db = LedgerDatabase.fresh();
        AccessLogWriter writer = writer(db.dataSource, 100, Duration.ofSeconds(5));

        writer.record(ReadAccess.search(DR_RIVER, ReadAccess.FHIR, "Task", "patient=x\u0000y", List.of(), null));

        assertThat(db.jdbc.queryForObject("SELECT query FROM access_entry", String.class)).isEqualTo("patient=x\uFFFDy");
    }

    @Test
    void returnedIdsAreStoredExactlyWhateverTheyHold() {
        LedgerDatabase db = LedgerDatabase.fresh();
        AccessLogWriter writer = writer(db.dataSource, 100, Duration.ofSeconds(5));
        List<String> odd = List.of("r-1", "with \"quote\"", "back\\slash", "a,b", "{braced}", "NULL", " spaced ");

        writer.record(ReadAccess.search(DR_RIVER, ReadAccess.REST, "Referral", "q=x", odd, null));

        assertThat(db.jdbc.queryForObject("SELECT returned_ids FROM access_entry", java.sql.Array.class))
                .satisfies(ids -> assertThat((String[]) ids.getArray()).containsExactlyElementsOf(odd));
        assertThat(new dev.careloop.app.ledger.AccessChainVerifier(db.dataSource).verify().intact()).isTrue();
    }

    @Test
    void withoutSynchronousCommitARecordedReadIsStillCommittedWhenRecordReturns() {
        LedgerDatabase db = LedgerDatabase.fresh();
        AccessLogWriter writer = new AccessLogWriter(db.dataSource, new SimpleMeterRegistry(), true, 100, 500,
                Duration.ofSeconds(5), true, false);
        writers.add(writer);

        writer.record(ReadAccess.read(DR_RIVER, ReadAccess.REST, "Referral", "referral-9", "patient-1"));

        // Another connection sees it: committed (only its flush to disk may trail, by PostgreSQL's wal_writer_delay).
        assertThat(db.jdbc.queryForList("SELECT resource_id FROM access_entry", String.class))
                .containsExactly("referral-9");
        assertThat(new dev.careloop.app.ledger.AccessChainVerifier(db.dataSource).verify().intact()).isTrue();
    }

    @Test
    void concurrentReadsShareCommitsAndEveryOneIsAnEntry() throws Exception {
        LedgerDatabase db = LedgerDatabase.fresh();
        AccessLogWriter writer = writer(db.dataSource, 1_000, Duration.ofSeconds(10));
        ExecutorService readers = Executors.newFixedThreadPool(32);
        List<Future<?>> reads = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String id = "referral-" + i;
            reads.add(readers.submit(() -> writer.record(ReadAccess.read(DR_RIVER, ReadAccess.REST, "Referral", id,
                    "patient-1"))));
        }
        for (Future<?> read : reads) {
            read.get(30, TimeUnit.SECONDS);
        }
        readers.shutdown();

        assertThat(db.jdbc.queryForObject("SELECT count(DISTINCT resource_id) FROM access_entry", Long.class))
                .isEqualTo(2_000);
        // Each transaction leaves its id on its rows: far fewer commits than reads.
        assertThat(db.jdbc.queryForObject("SELECT count(DISTINCT xmin::text) FROM access_entry", Long.class))
                .isLessThan(2_000 / 4);
        assertThat(db.jdbc.queryForObject("SELECT max(position) FROM access_entry", Long.class)).isEqualTo(2_000);
        assertThat(new dev.careloop.app.ledger.AccessChainVerifier(db.dataSource).verify().intact()).isTrue();
    }

    @Test
    void aReadWhoseEntryCannotBeCommittedIsRefusedAsAnOutage() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setUrl("jdbc:postgresql://127.0.0.1:1/careloop?connectTimeout=1");
        AccessLogWriter writer = writer(nowhere, 10, Duration.ofSeconds(5));

        assertThatThrownBy(() -> writer.record(ReadAccess.read(DR_RIVER, ReadAccess.REST, "Referral", "r-1", null)))
                .isInstanceOf(AccessNotRecorded.class)
                .satisfies(refused -> assertThat(DatabaseOutage.causedBy(refused)).isTrue());
    }

    @Test
    void aFullBufferMakesTheReadWaitThenRefusesItNeverDropsSilently() throws Exception {
        LedgerDatabase db = LedgerDatabase.fresh();
        CountDownLatch release = new CountDownLatch(1);
        DataSource stalled = new DelegatingDataSource(db.dataSource) {
            @Override
            public Connection getConnection() throws SQLException {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.getConnection();
            }
        };
        AccessLogWriter writer = writer(stalled, 1, Duration.ofMillis(500));
        ExecutorService readers = Executors.newFixedThreadPool(2);
        // The first is taken by the stalled writer, the second fills the buffer of one.
        Future<?> first = readers.submit(() -> writer.record(ReadAccess.read(DR_RIVER, "rest", "Referral", "a", null)));
        Thread.sleep(100);
        Future<?> second = readers.submit(() -> writer.record(ReadAccess.read(DR_RIVER, "rest", "Referral", "b", null)));
        Thread.sleep(100);

        assertThatThrownBy(() -> writer.record(ReadAccess.read(DR_RIVER, "rest", "Referral", "c", null)))
                .isInstanceOf(AccessNotRecorded.class).hasMessageContaining("buffer stayed full");
        release.countDown();
        readers.shutdown();
        readers.awaitTermination(10, TimeUnit.SECONDS);
        // The two that waited past their time were refused too, though their entries were written later: an
        // entry without an answer is possible, an answer without an entry is not.
        assertThat(List.of(first, second)).allSatisfy(f -> assertThatThrownBy(f::get)
                .hasCauseInstanceOf(AccessNotRecorded.class));
        assertThat(db.jdbc.queryForList("SELECT resource_id FROM access_entry ORDER BY position", String.class))
                .doesNotContain("c");
    }

    private AccessLogWriter writer(DataSource dataSource, int capacity, Duration maxWait) {
        AccessLogWriter writer = new AccessLogWriter(dataSource, new SimpleMeterRegistry(), true, capacity, 500,
                maxWait, true, true);
        writers.add(writer);
        return writer;
    }
}

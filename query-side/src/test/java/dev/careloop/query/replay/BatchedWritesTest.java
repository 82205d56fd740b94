package dev.careloop.query.replay;

import dev.careloop.plumbing.HeldBatch;
import dev.careloop.query.ReadModelDatabase;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A batch that holds its writes (issue 19): reads see the batch's own rows, PostgreSQL sees them only as the batch
 * commits, each row is written once, and a handler that fails sends the batch back to be written through.
 */
class BatchedWritesTest {

    record Tally(String id, String kind, int count) {
    }

    private static final RowTable<Tally> TABLE = RowTable.<Tally>named("batched_writes_tally")
            .column("id", Tally::id).column("kind", Tally::kind).column("count", Tally::count)
            .key("id")
            .reader(rs -> new Tally(rs.getString("id"), rs.getString("kind"), rs.getInt("count")));
    private static final Column<Tally> KIND = TABLE.column("kind");

    private final JdbcTemplate jdbc = ReadModelDatabase.jdbc();
    private final AtomicLong statements = new AtomicLong();
    private Rows<Tally> rows;
    private Journal<Tally> journal;

    @BeforeEach
    void table() {
        jdbc.execute("CREATE TABLE IF NOT EXISTS batched_writes_tally (id text PRIMARY KEY, kind text, count int)");
        jdbc.update("DELETE FROM batched_writes_tally");
        // Counts every statement the stores send (a batch of rows is one round trip).
        JdbcTemplate counting = new JdbcTemplate(jdbc.getDataSource()) {
            @Override
            public int update(String sql, Object... args) {
                statements.incrementAndGet();
                return super.update(sql, args);
            }

            @Override
            public int[] batchUpdate(String sql, List<? extends Object[]> batchArgs) {
                statements.incrementAndGet();
                return super.batchUpdate(sql, batchArgs);
            }

            @Override
            public <T> List<T> query(String sql, org.springframework.jdbc.core.RowMapper<T> mapper, Object... args) {
                statements.incrementAndGet();
                return super.query(sql, mapper, args);
            }
        };
        JdbcStores stores = new JdbcStores(counting);
        rows = stores.rows(TABLE);
        journal = stores.journal(TABLE);
    }

    @AfterEach
    void noBatchLeftOpen() {
        while (org.axonframework.messaging.unitofwork.CurrentUnitOfWork.isStarted()) {
            org.axonframework.messaging.unitofwork.CurrentUnitOfWork.get().rollback();
        }
    }

    private static UnitOfWork<?> batch() {
        UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(GenericEventMessage.asEventMessage("event"));
        BatchedWrites.open(unitOfWork);
        return unitOfWork;
    }

    private List<Tally> inDatabase() {
        return jdbc.query("SELECT * FROM batched_writes_tally ORDER BY id",
                (rs, i) -> new Tally(rs.getString("id"), rs.getString("kind"), rs.getInt("count")));
    }

    @Test
    void aRowIsReadOnceAndWrittenOnceAsTheBatchCommits() {
        jdbc.update("INSERT INTO batched_writes_tally VALUES ('month', 'pair', 10)");
        UnitOfWork<?> unitOfWork = batch();
        for (int event = 0; event < 20; event++) {
            Tally month = rows.find("month");
            rows.put(new Tally("month", "pair", month.count() + 1));
        }
        assertThat(rows.find("month").count()).isEqualTo(30);
        assertThat(inDatabase()).containsExactly(new Tally("month", "pair", 10));

        unitOfWork.commit();

        assertThat(inDatabase()).containsExactly(new Tally("month", "pair", 30));
        // One read and one write for twenty events, where writing through took forty statements.
        assertThat(statements.get()).isEqualTo(2);
    }

    @Test
    void aRowTheBatchKnowsIsAbsentIsNotAskedForAgain() {
        UnitOfWork<?> unitOfWork = batch();
        assertThat(rows.find("new")).isNull();
        assertThat(rows.find("new")).isNull();
        rows.put(new Tally("new", "pair", 1));
        assertThat(rows.find("new")).isEqualTo(new Tally("new", "pair", 1));
        unitOfWork.commit();

        assertThat(statements.get()).isEqualTo(2);
        assertThat(inDatabase()).containsExactly(new Tally("new", "pair", 1));
    }

    /** A tracking processor's batch: the events of these aggregates, one unit of work. */
    private static UnitOfWork<?> batchOf(String... aggregates) {
        List<EventMessage<?>> events = new java.util.ArrayList<>();
        for (String aggregate : aggregates) {
            events.add(new GenericDomainEventMessage<>("Tally", aggregate, 0, "event of " + aggregate));
        }
        BatchingUnitOfWork<EventMessage<?>> unitOfWork = new BatchingUnitOfWork<>(events);
        unitOfWork.start();
        BatchedWrites.open(unitOfWork);
        return unitOfWork;
    }

    @Test
    void aBatchReadsTheRowsOfItsAggregatesInOneStatement() {
        jdbc.update("INSERT INTO batched_writes_tally VALUES ('r1', 'pair', 1), ('r3', 'pair', 3), ('other', 'x', 9)");
        UnitOfWork<?> unitOfWork = batchOf("r1", "r2", "r3", "r1");

        assertThat(rows.find("r1")).isEqualTo(new Tally("r1", "pair", 1));
        assertThat(rows.find("r2")).isNull();
        assertThat(rows.find("r3")).isEqualTo(new Tally("r3", "pair", 3));
        long readAhead = statements.get();
        // A key that names no aggregate of the batch is read on its own, as before.
        assertThat(rows.find("other")).isEqualTo(new Tally("other", "x", 9));
        rows.put(new Tally("r2", "pair", 2));
        assertThat(rows.find("r2")).isEqualTo(new Tally("r2", "pair", 2));
        unitOfWork.commit();

        assertThat(readAhead).isEqualTo(1);
        // The read ahead, the other key's read, the batch's one write.
        assertThat(statements.get()).isEqualTo(3);
        assertThat(inDatabase()).extracting(Tally::id).containsExactly("other", "r1", "r2", "r3");
    }

    @Test
    void findAllSeesTheTableAsTheBatchLeftIt() {
        jdbc.update("INSERT INTO batched_writes_tally VALUES ('a', 'red', 1), ('b', 'red', 2), ('c', 'blue', 3)");
        UnitOfWork<?> unitOfWork = batch();
        rows.put(new Tally("b", "blue", 2));
        rows.put(new Tally("d", "red", 4));
        rows.put(new Tally("a", "red", 5));

        assertThat(rows.findAll(KIND, "red")).containsExactlyInAnyOrder(new Tally("a", "red", 5),
                new Tally("d", "red", 4));
        assertThat(rows.findAll(KIND, "blue")).containsExactlyInAnyOrder(new Tally("b", "blue", 2),
                new Tally("c", "blue", 3));
        unitOfWork.commit();

        assertThat(inDatabase()).containsExactly(new Tally("a", "red", 5), new Tally("b", "blue", 2),
                new Tally("c", "blue", 3), new Tally("d", "red", 4));
    }

    @Test
    void journalRowsAreInsertedTogetherAndARepeatedRowIsKeptOnce() {
        UnitOfWork<?> unitOfWork = batch();
        journal.add(new Tally("e1", "entry", 1));
        journal.add(new Tally("e2", "entry", 2));
        journal.add(new Tally("e1", "entry", 9));
        assertThat(inDatabase()).isEmpty();
        unitOfWork.commit();

        assertThat(statements.get()).isEqualTo(1);
        assertThat(inDatabase()).containsExactly(new Tally("e1", "entry", 1), new Tally("e2", "entry", 2));
    }

    @Test
    void aConditionalRewriteSeesTheBatchsEarlierRows() {
        UnitOfWork<?> unitOfWork = batch();
        journal.add(new Tally("e1", "entry", 1));
        int changed = journal.rewrite("kind = ?", List.of("entry"), t -> new Tally(t.id(), "erased", 0));
        unitOfWork.commit();

        assertThat(changed).isEqualTo(1);
        assertThat(inDatabase()).containsExactly(new Tally("e1", "erased", 0));
    }

    @Test
    void aHandlerThatFailsFailsTheBatchAndItsRetryWritesThrough() {
        UnitOfWork<?> first = batch();
        assertThat(HeldBatch.holding()).isTrue();
        rows.put(new Tally("kept", "pair", 1));
        rows.put(new Tally("half", "pair", 1));
        HeldBatch.handlerFailed(new IllegalStateException("boom"));

        assertThatThrownBy(first::commit).hasMessageContaining("an event handler failed in this batch")
                .hasMessageContaining("boom");
        assertThat(inDatabase()).isEmpty();
        assertThat(HeldBatch.writeThroughNext()).isTrue();

        // The retry: every write is its own statement, so a failing handler's savepoint takes back its own.
        UnitOfWork<?> retry = batch();
        assertThat(HeldBatch.holding()).isFalse();
        rows.put(new Tally("kept", "pair", 1));
        assertThat(inDatabase()).containsExactly(new Tally("kept", "pair", 1));
        retry.commit();
        assertThat(HeldBatch.writeThroughNext()).isFalse();

        // Once the retry committed, batches hold their writes again.
        UnitOfWork<?> next = batch();
        rows.put(new Tally("later", "pair", 1));
        assertThat(inDatabase()).containsExactly(new Tally("kept", "pair", 1));
        next.commit();
        assertThat(inDatabase()).extracting(Tally::id).containsExactly("kept", "later");
    }

    record Versioned(String id, long version, String status) {
    }

    private static final RowTable<Versioned> VERSIONED = RowTable.<Versioned>named("batched_writes_versioned")
            .column("id", Versioned::id).column("version", Versioned::version).column("status", Versioned::status)
            .key("id").version("version")
            .reader(rs -> new Versioned(rs.getString("id"), rs.getLong("version"), rs.getString("status")));

    @Test
    void aVersionedRowIsNeverPutBackToAnOlderVersion() {
        jdbc.execute("CREATE TABLE IF NOT EXISTS batched_writes_versioned (id text PRIMARY KEY, version bigint, "
                + "status text)");
        jdbc.update("DELETE FROM batched_writes_versioned");
        Rows<Versioned> views = new JdbcStores(jdbc).rows(VERSIONED);
        // The tracking processor's batch read the row at version 1 and holds its next version...
        views.put(new Versioned("r-1", 1, "sent"));
        UnitOfWork<?> unitOfWork = batch();
        Versioned read = views.find("r-1");
        views.put(new Versioned("r-1", read.version() + 1, "accepted"));
        // ...while two commands write versions 2 and 3 in their own transactions.
        jdbc.update("UPDATE batched_writes_versioned SET version = 3, status = 'booked' WHERE id = 'r-1'");
        unitOfWork.commit();

        assertThat(jdbc.queryForObject("SELECT status FROM batched_writes_versioned WHERE id = 'r-1'",
                String.class)).isEqualTo("booked");
        // The same version again is written (an erasure rewrites a row without moving its version).
        views.put(new Versioned("r-1", 3, "booked, scrubbed"));
        assertThat(jdbc.queryForObject("SELECT status FROM batched_writes_versioned WHERE id = 'r-1'",
                String.class)).isEqualTo("booked, scrubbed");
    }

    @Test
    void outsideABatchEveryCallIsItsOwnStatement() {
        rows.put(new Tally("a", "red", 1));
        assertThat(inDatabase()).containsExactly(new Tally("a", "red", 1));
        assertThat(HeldBatch.holding()).isFalse();
        UnitOfWork<?> plain = DefaultUnitOfWork.startAndGet(GenericEventMessage.asEventMessage("command"));
        rows.put(new Tally("b", "red", 2));
        assertThat(inDatabase()).hasSize(2);
        plain.commit();
    }
}

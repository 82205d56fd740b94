package dev.careloop.app.ledger;

import dev.careloop.app.ledger.LogVerifier.Kind;
import dev.careloop.app.ledger.LogVerifier.Start;
import dev.careloop.app.ledger.LogVerifier.Verification;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chainer links events after they commit, in the order of their transactions, only past every transaction that
 * could still commit an event before them: an event that commits late is chained then, never skipped, and the
 * verifier walks the order the chainer used.
 */
class ChainerTest {

    private final LedgerDatabase db = LedgerDatabase.fresh();
    private final LogVerifier verifier = new LogVerifier(db.dataSource);

    @Test
    void appendsAreNotChainedUntilTheChainerRuns() {
        db.appendMany(4);

        Verification before = verifier.verify(Start.BEGINNING, null);
        long linked = db.chain();
        Verification after = verifier.verify(Start.BEGINNING, null);

        assertThat(before.intact()).as(before.summary()).isTrue();
        assertThat(before.unchained()).isEqualTo(4);
        assertThat(before.summary()).contains("4 events committed within the chain window (PT10S) not chained yet");
        assertThat(linked).isEqualTo(4);
        assertThat(after.eventsChecked()).isEqualTo(4);
        assertThat(after.unchained()).isZero();
    }

    @Test
    void anEventHeldInAnOpenTransactionHoldsBackLaterCommitsThenIsChainedBeforeThem() throws Exception {
        db.appendMany(2);
        try (Transaction held = new Transaction(db)) {
            long late = held.append("held", 0);
            List<Long> committed = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                committed.add(db.append("other-" + i, 0, "{}"));
            }

            db.chain();
            Verification whileHeld = verifier.verify(Start.BEGINNING, null);
            held.commit();
            db.chain();
            Verification afterwards = verifier.verify(Start.BEGINNING, null);

            // The two appended before the held transaction began are chained; the 50 after it wait for it.
            assertThat(whileHeld.intact()).as(whileHeld.summary()).isTrue();
            assertThat(whileHeld.eventsChecked()).isEqualTo(2);
            assertThat(whileHeld.unchained()).isEqualTo(50);
            assertThat(afterwards.intact()).as(afterwards.summary()).isTrue();
            assertThat(afterwards.eventsChecked()).isEqualTo(53);
            assertThat(positionOf(late)).isEqualTo(3);
            assertThat(positionOf(committed.get(0))).isEqualTo(4);
            assertThat(late).isLessThan(committed.get(0));
        }
    }

    @Test
    void anOlderTransactionThatAppendsAfterAYoungerOneIsChainedFirstAndTheChainStillVerifies() throws Exception {
        try (Transaction older = new Transaction(db); Transaction younger = new Transaction(db)) {
            older.takeTransactionId();
            long first = younger.append("younger", 0);
            long second = older.append("older", 0);
            younger.commit();
            db.chain();
            long chainedWhileOlderOpen = count("SELECT count(*) FROM event_chain");
            older.commit();
            db.chain();

            Verification v = verifier.verify(Start.BEGINNING, null);

            assertThat(chainedWhileOlderOpen).isZero();
            assertThat(first).isLessThan(second);
            // The chain's order is the transactions' order, not the global index: the verifier walks the chain's.
            assertThat(positionOf(second)).isEqualTo(1);
            assertThat(positionOf(first)).isEqualTo(2);
            assertThat(v.intact()).as(v.summary()).isTrue();
            assertThat(v.eventsChecked()).isEqualTo(2);
        }
    }

    @Test
    void theEventsOfOneTransactionAreChainedTogetherInTheirOwnOrder() throws Exception {
        List<Long> appended = new ArrayList<>();
        try (Transaction batch = new Transaction(db)) {
            for (int i = 0; i < 3; i++) {
                appended.add(batch.append("batch", i));
            }
            batch.commit();
        }
        db.chain();

        assertThat(db.jdbc.queryForList("SELECT global_index FROM event_chain ORDER BY position", Long.class))
                .containsExactlyElementsOf(appended);
    }

    @Test
    void aRoundWithNothingToLinkTakesNoTransactionIdAndWritesNothing() throws Exception {
        db.appendMany(3);
        db.chain();

        try (Transaction round = new Transaction(db)) {
            Integer linked = round.jdbc.queryForObject("SELECT chain_committed_events(1000)", Integer.class);
            // A row lock or a write would have given the round a transaction id, and its commit a WAL flush.
            String xid = round.jdbc.queryForObject("SELECT pg_current_xact_id_if_assigned()::text", String.class);

            assertThat(linked).isZero();
            assertThat(xid).isNull();
        }
    }

    @Test
    void aBacklogLongerThanOneRoundIsLinkedInRoundsWithTheSameLinksAsOneByOne() {
        db.appendMany(Chainer.BATCH + 7);

        Integer firstRound = db.jdbc.queryForObject("SELECT chain_committed_events(?)", Integer.class, Chainer.BATCH);
        long rest = db.chain();
        Verification v = verifier.verify(Start.BEGINNING, null);

        assertThat(firstRound).isEqualTo(Chainer.BATCH);
        assertThat(rest).isEqualTo(7);
        // The verifier recomputes every digest and link in Java (EventDigest), one event at a time.
        assertThat(v.intact()).as(v.summary()).isTrue();
        assertThat(v.eventsChecked()).isEqualTo(Chainer.BATCH + 7);
        assertThat(db.jdbc.queryForObject("SELECT position FROM event_chain_progress", Long.class))
                .isEqualTo(Chainer.BATCH + 7);
        assertThat(db.jdbc.queryForObject("SELECT global_index = (SELECT max(global_index) FROM domain_event_entry) "
                + "FROM event_chain_progress", Boolean.class)).isTrue();
    }

    @Test
    void severalChainersAtOnceBuildOneChainWithEveryEventOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            writers.add(pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    db.append("many-" + writer, i, "{\"n\":" + i + "}");
                }
            }));
        }
        List<Future<Long>> chainers = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            // A chainer per node, each with its own connections.
            Chainer node = new Chainer(db.dataSource, Duration.ofMillis(250));
            chainers.add(pool.submit(() -> {
                long linked = 0;
                while (writing.get()) {
                    linked += node.chainNow();
                }
                return linked + node.chainNow();
            }));
        }
        for (Future<?> w : writers) {
            w.get();
        }
        writing.set(false);
        long linked = 0;
        for (Future<Long> c : chainers) {
            linked += c.get();
        }
        pool.shutdown();
        linked += db.chain();

        Verification v = verifier.verify(Start.BEGINNING, null);

        assertThat(linked).isEqualTo(200);
        assertThat(v.intact()).as(v.summary()).isTrue();
        assertThat(v.eventsChecked()).isEqualTo(200);
        assertThat(v.unchained()).isZero();
    }

    @Test
    void aCommittedEventLeftUnchainedLongerThanTheWindowFailsVerification() {
        db.appendMany(3);
        db.chain();
        long stale = LedgerDatabase.append(db.jdbc, "stale", 0, "{}", Instant.now().minusSeconds(60));

        Verification v = new LogVerifier(db.dataSource, Duration.ofSeconds(10)).verify(Start.BEGINNING, null);
        Verification wider = new LogVerifier(db.dataSource, Duration.ofMinutes(5)).verify(Start.BEGINNING, null);

        assertThat(v.intact()).isFalse();
        assertThat(v.firstBreak().kind()).isEqualTo(Kind.LAGGING);
        assertThat(v.firstBreak().globalIndex()).isEqualTo(stale);
        assertThat(v.summary()).contains("waits for the chainer longer than the chain window (PT10S)");
        assertThat(wider.intact()).isTrue();
        assertThat(wider.unchained()).isEqualTo(1);
    }

    @Test
    void aLaggingChainerStillLetsTheChainedPrefixBeSignedButNotBeyond() throws Exception {
        java.security.KeyPair key = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        db.appendMany(3);
        db.chain();
        LedgerDatabase.append(db.jdbc, "stale", 0, "{}", Instant.now().minusSeconds(60));

        Checkpoints.Result result = new Checkpoints(db.dataSource)
                .checkpoint(key.getPrivate(), key.getPublic().getEncoded(), Instant.now());

        assertThat(result.verification().firstBreak().kind()).isEqualTo(Kind.LAGGING);
        assertThat(result.written()).map(Checkpoints.Checkpoint::position).contains(3L);
    }

    @Test
    void theRunningChainerLinksAnAppendWithoutBeingAsked() throws Exception {
        Chainer chainer = new Chainer(db.dataSource, Duration.ofMillis(250));
        chainer.start();
        try {
            long appended = db.append("polled", 0, "{}");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (count("SELECT count(*) FROM event_chain WHERE global_index = " + appended) == 0
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(count("SELECT count(*) FROM event_chain WHERE global_index = " + appended)).isOne();
        } finally {
            chainer.stop();
        }
        assertThat(chainer.isRunning()).isFalse();
    }

    @Test
    void appendsWithinTheGatherWindowOfTheLastRoundWaitForItsEnd() throws Exception {
        // A long poll: only wake-ups chain here.
        Chainer chainer = new Chainer(db.dataSource, Duration.ofSeconds(30), Duration.ofMillis(800));
        chainer.start();
        try {
            long first = db.append("gathered", 0, "{}");
            chainer.appended();
            awaitChained(first);
            long second = db.append("gathered", 1, "{}");
            long appendedAt = System.nanoTime();
            chainer.appended();
            Thread.sleep(300);
            // The round after the first waits for the rest of its window: the second is not linked yet.
            assertThat(count("SELECT count(*) FROM event_chain WHERE global_index = " + second)).isZero();
            awaitChained(second);
            assertThat(System.nanoTime() - appendedAt).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(300));
        } finally {
            chainer.stop();
        }
    }

    private void awaitChained(long globalIndex) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (count("SELECT count(*) FROM event_chain WHERE global_index = " + globalIndex) == 0
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(count("SELECT count(*) FROM event_chain WHERE global_index = " + globalIndex)).isOne();
    }

    private long positionOf(long globalIndex) {
        return db.jdbc.queryForObject("SELECT position FROM event_chain WHERE global_index = ?", Long.class,
                globalIndex);
    }

    private long count(String sql) {
        return db.jdbc.queryForObject(sql, Long.class);
    }

    /** One transaction of its own, held open until committed (closed without a commit: rolled back). */
    private static final class Transaction implements AutoCloseable {

        private final Connection connection;
        private final JdbcTemplate jdbc;

        Transaction(LedgerDatabase db) throws SQLException {
            connection = db.dataSource.getConnection();
            connection.setAutoCommit(false);
            jdbc = new JdbcTemplate(new SingleConnectionDataSource(connection, true));
        }

        /** Takes a transaction id now, as a transaction that wrote something else first would have. */
        void takeTransactionId() {
            jdbc.queryForObject("SELECT pg_current_xact_id()::text", String.class);
        }

        long append(String aggregate, long sequence) {
            return LedgerDatabase.append(jdbc, aggregate, sequence, "{\"held\":true}", Instant.now());
        }

        void commit() throws SQLException {
            connection.commit();
        }

        @Override
        public void close() throws SQLException {
            connection.rollback();
            connection.close();
        }
    }
}

package dev.careloop.app.nodes;

import dev.careloop.query.ProjectionCommits;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Token stores of segments that handled nothing stay in memory until a batch, a flush or a release writes them. */
class IdleSegmentTokensTest {

    private static final String GROUP = "records";
    private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(10);

    /** What reached the database's token store, in order. */
    private final List<String> written = new CopyOnWriteArrayList<>();
    private final AtomicInteger transactions = new AtomicInteger();
    private final AtomicBoolean databaseDown = new AtomicBoolean();
    private final AtomicLong now = new AtomicLong();
    private final ProjectionCommits commits = new ProjectionCommits(Map::of);
    private final IdleSegmentTokens tokens = new IdleSegmentTokens(new RecordingStore(), new CountingTransactions(),
            commits, CLAIM_TIMEOUT, now::get);

    private static TrackingToken at(long position) {
        return GapAwareTrackingToken.newInstance(position, Set.of());
    }

    private static long position(TrackingToken token) {
        return token.position().orElseThrow();
    }

    private long heldHere(int segment) {
        return position(commits.heldHere().get(new ProjectionCommits.Key(GROUP, segment)));
    }

    @Test
    void aSegmentThatHandledNothingKeepsItsTokenInMemoryAndReportsIt() {
        tokens.fetchToken(GROUP, 0);
        written.clear();

        tokens.storeToken(at(5), GROUP, 0);
        tokens.storeToken(at(6), GROUP, 0);

        assertThat(written).isEmpty();
        assertThat(transactions).hasValue(0);
        assertThat(tokens.kept()).containsOnlyKeys(new ProjectionCommits.Key(GROUP, 0));
        assertThat(heldHere(0)).as("the segment has handled everything up to 6: nothing of it is to commit")
                .isEqualTo(6);
    }

    @Test
    void aBatchWritesItsTokenInItsTransactionAndReportsItOnlyAfterTheCommit() {
        tokens.fetchToken(GROUP, 0);
        tokens.storeToken(at(5), GROUP, 0);
        written.clear();

        UnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(GenericEventMessage.asEventMessage("batch"));
        tokens.storeToken(at(7), GROUP, 0);
        assertThat(written).containsExactly("store records/0 at 7");
        assertThat(tokens.kept()).as("superseded by the batch's token").isEmpty();
        assertThat(heldHere(0)).as("before the commit").isEqualTo(5);
        batch.commit();

        assertThat(heldHere(0)).isEqualTo(7);
    }

    @Test
    void aBatchThatRollsBackReportsNothing() {
        tokens.fetchToken(GROUP, 0);
        tokens.storeToken(at(5), GROUP, 0);

        UnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(GenericEventMessage.asEventMessage("batch"));
        tokens.storeToken(at(7), GROUP, 0);
        batch.rollback();

        assertThat(heldHere(0)).isEqualTo(5);
    }

    @Test
    void aFlushWritesEveryKeptTokenInOneTransaction() {
        tokens.fetchToken(GROUP, 0);
        tokens.fetchToken(GROUP, 1);
        tokens.storeToken(at(5), GROUP, 0);
        tokens.storeToken(at(6), GROUP, 1);
        written.clear();

        assertThat(tokens.flush()).isEqualTo(2);

        assertThat(written).containsExactlyInAnyOrder("store records/0 at 5", "store records/1 at 6");
        assertThat(transactions).hasValue(1);
        assertThat(tokens.kept()).isEmpty();
        assertThat(tokens.flush()).as("nothing new to write").isZero();
        assertThat(transactions).hasValue(1);
    }

    @Test
    void aFailedFlushKeepsTheTokensForTheNextOne() {
        tokens.fetchToken(GROUP, 0);
        tokens.storeToken(at(5), GROUP, 0);
        databaseDown.set(true);

        assertThat(tokens.flush()).isZero();
        assertThat(tokens.kept()).hasSize(1);

        databaseDown.set(false);
        written.clear();
        assertThat(tokens.flush()).isEqualTo(1);
        assertThat(written).containsExactly("store records/0 at 5");
    }

    @Test
    void anIdleSegmentsClaimIsExtendedEveryQuarterOfTheClaimTimeoutNotEverySecond() {
        tokens.fetchToken(GROUP, 0);
        written.clear();
        for (int second = 1; second <= 10; second++) {
            now.set(Duration.ofSeconds(second).toNanos());
            tokens.extendClaim(GROUP, 0);
        }

        // 10 s idle, claim timeout 10 s: at 3, 6 and 9 s (2.5 s after the last write, at the next call).
        assertThat(written).containsExactly("extend records/0", "extend records/0", "extend records/0");
    }

    @Test
    void theFlushExtendsTheIdleSegmentsClaimsTogetherInOneTransaction() {
        tokens.fetchToken(GROUP, 0);
        now.set(Duration.ofMillis(500).toNanos());
        tokens.fetchToken(GROUP, 1);
        written.clear();

        // 2 s after segment 0's claim was written: three quarters of the 2.5 s interval; segment 1 is half due.
        now.set(Duration.ofSeconds(2).toNanos());
        tokens.flush();

        assertThat(written).containsExactlyInAnyOrder("extend records/0", "extend records/1");
        assertThat(transactions).hasValue(1);

        now.set(Duration.ofSeconds(3).toNanos());
        tokens.extendClaim(GROUP, 0);
        tokens.extendClaim(GROUP, 1);
        assertThat(written).as("the segments' own calls find their claims fresh").hasSize(2);
    }

    @Test
    void aFlushWithNoClaimNearlyDueWritesNothing() {
        tokens.fetchToken(GROUP, 0);
        written.clear();

        now.set(Duration.ofMillis(1500).toNanos());
        tokens.flush();

        assertThat(written).isEmpty();
        assertThat(transactions).hasValue(0);
    }

    @Test
    void aClaimDueForExtensionWritesTheKeptTokenInstead() {
        tokens.fetchToken(GROUP, 0);
        tokens.storeToken(at(5), GROUP, 0);
        written.clear();

        now.set(Duration.ofSeconds(3).toNanos());
        tokens.extendClaim(GROUP, 0);

        assertThat(written).containsExactly("store records/0 at 5");
        assertThat(tokens.kept()).isEmpty();
    }

    @Test
    void releasingAClaimWritesTheKeptTokenFirst() {
        tokens.fetchToken(GROUP, 0);
        tokens.storeToken(at(5), GROUP, 0);
        written.clear();

        tokens.releaseClaim(GROUP, 0);

        assertThat(written).containsExactly("store records/0 at 5", "release records/0");
        assertThat(commits.heldHere()).isEmpty();
        assertThat(tokens.kept()).isEmpty();
    }

    @Test
    void aStoreOnASegmentThisNodeDoesNotHoldIsWrittenAsAsked() {
        tokens.storeToken(at(9), GROUP, 3);

        assertThat(written).containsExactly("store records/3 at 9");
        assertThat(tokens.kept()).isEmpty();
    }

    private final class RecordingStore implements TokenStore {
        @Override
        public void storeToken(TrackingToken token, String processorName, int segment) {
            written.add("store " + processorName + "/" + segment + " at " + position(token));
        }

        @Override
        public TrackingToken fetchToken(String processorName, int segment) {
            written.add("claim " + processorName + "/" + segment);
            return at(0);
        }

        @Override
        public void extendClaim(String processorName, int segment) {
            written.add("extend " + processorName + "/" + segment);
        }

        @Override
        public void releaseClaim(String processorName, int segment) {
            written.add("release " + processorName + "/" + segment);
        }

        @Override
        public int[] fetchSegments(String processorName) {
            return new int[]{0, 1};
        }
    }

    private final class CountingTransactions implements TransactionManager {
        @Override
        public Transaction startTransaction() {
            if (databaseDown.get()) {
                throw new IllegalStateException("the database is down");
            }
            transactions.incrementAndGet();
            return new Transaction() {
                @Override
                public void commit() {
                }

                @Override
                public void rollback() {
                }
            };
        }
    }
}

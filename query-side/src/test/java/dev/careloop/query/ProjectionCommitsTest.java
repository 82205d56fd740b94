package dev.careloop.query;

import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackingToken;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Waiting for a projection's commit without polling it: wake-ups, timeouts, several waiters, other nodes' segments. */
class ProjectionCommitsTest {

    private static final String REFERRALS = "referrals";

    /** The token table as the tests set it; counts its reads. */
    private final Map<ProjectionCommits.Key, TrackingToken> table = new ConcurrentHashMap<>();
    private final AtomicInteger tableReads = new AtomicInteger();
    private final ProjectionCommits commits = new ProjectionCommits(() -> {
        tableReads.incrementAndGet();
        return Map.copyOf(table);
    });

    private static TrackingToken at(long position, Long... gaps) {
        return GapAwareTrackingToken.newInstance(position, Set.of(gaps));
    }

    /** Two segments of referrals in the table, both at {@code position}. */
    private void twoSegmentsAt(long position) {
        table.put(new ProjectionCommits.Key(REFERRALS, 0), at(position));
        table.put(new ProjectionCommits.Key(REFERRALS, 1), at(position));
    }

    /** An aggregate identifier that segment {@code segment} of two handles. */
    private static String aggregateOf(int segment) {
        Segment[] two = Segment.computeSegments(0, 1);
        for (int i = 0; ; i++) {
            String id = "referral-" + i;
            if (two[segment].matches(id.hashCode())) {
                return id;
            }
        }
    }

    private CompletableFuture<Boolean> waitFor(String aggregate, long position, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return commits.awaitHandled(REFERRALS, aggregate, position, timeout);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aWaiterIsWokenByTheCommitOfItsSegmentLongBeforeTheSafetyReRead() throws Exception {
        twoSegmentsAt(10);
        commits.advanced(REFERRALS, 0, at(10));
        commits.advanced(REFERRALS, 1, at(10));
        String aggregate = aggregateOf(0);
        CompletableFuture<Boolean> waiting = waitFor(aggregate, 12, Duration.ofSeconds(5));
        Thread.sleep(50);
        assertThat(waiting).isNotDone();

        long committed = System.nanoTime();
        commits.advanced(REFERRALS, 0, at(12));

        assertThat(waiting.get(1, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - committed)).isLessThan(Duration.ofMillis(100));
    }

    @Test
    void theOtherSegmentsProgressDoesNotAnswerForTheAggregatesSegment() throws Exception {
        twoSegmentsAt(10);
        commits.advanced(REFERRALS, 0, at(10));
        commits.advanced(REFERRALS, 1, at(10));

        commits.advanced(REFERRALS, 1, at(20));

        assertThat(commits.awaitHandled(REFERRALS, aggregateOf(0), 12, Duration.ofMillis(300))).isFalse();
        assertThat(commits.awaitHandled(REFERRALS, aggregateOf(1), 12, Duration.ofMillis(300))).isTrue();
    }

    @Test
    void aWaiterGivesUpAfterItsTimeout() throws Exception {
        twoSegmentsAt(10);
        long started = System.nanoTime();

        boolean reached = commits.awaitHandled(REFERRALS, aggregateOf(0), 11, Duration.ofMillis(400));

        assertThat(reached).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(390),
                Duration.ofSeconds(2));
    }

    @Test
    void severalWaitersAreWokenEachWhenItsPositionIsCommitted() throws Exception {
        twoSegmentsAt(0);
        commits.advanced(REFERRALS, 0, at(0));
        commits.advanced(REFERRALS, 1, at(0));
        String aggregate = aggregateOf(1);
        List<CompletableFuture<Boolean>> waiting = new ArrayList<>();
        for (long position = 1; position <= 5; position++) {
            waiting.add(waitFor(aggregate, position, Duration.ofSeconds(5)));
        }
        Thread.sleep(50);

        commits.advanced(REFERRALS, 1, at(3));
        for (int i = 0; i < 3; i++) {
            assertThat(waiting.get(i).get(1, TimeUnit.SECONDS)).isTrue();
        }
        Thread.sleep(50);
        assertThat(waiting.get(3)).isNotDone();
        assertThat(waiting.get(4)).isNotDone();

        commits.advanced(REFERRALS, 1, at(5));
        assertThat(waiting.get(3).get(1, TimeUnit.SECONDS)).isTrue();
        assertThat(waiting.get(4).get(1, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aGapAtThePositionIsNotHandledYet() throws Exception {
        twoSegmentsAt(10);
        commits.advanced(REFERRALS, 0, at(12, 11L));

        assertThat(commits.awaitHandled(REFERRALS, aggregateOf(0), 11, Duration.ofMillis(100))).isFalse();
        assertThat(commits.awaitHandled(REFERRALS, aggregateOf(0), 12, Duration.ofMillis(100))).isTrue();
    }

    @Test
    void aSegmentHeldElsewhereIsSeenInTheTokenTableWhenANotificationSaysItMoved() throws Exception {
        twoSegmentsAt(10);
        String aggregate = aggregateOf(0);
        CompletableFuture<Boolean> waiting = waitFor(aggregate, 15, Duration.ofSeconds(5));
        Thread.sleep(50);
        assertThat(waiting).isNotDone();

        table.put(new ProjectionCommits.Key(REFERRALS, 0), at(15));
        long notified = System.nanoTime();
        commits.storedElsewhere();

        assertThat(waiting.get(1, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - notified)).isLessThan(Duration.ofMillis(200));
    }

    @Test
    void aLostNotificationIsMadeUpByTheSafetyReReadOfTheTokenTable() throws Exception {
        twoSegmentsAt(10);
        String aggregate = aggregateOf(1);
        CompletableFuture<Boolean> waiting = waitFor(aggregate, 15, Duration.ofSeconds(5));
        Thread.sleep(50);

        table.put(new ProjectionCommits.Key(REFERRALS, 1), at(15));

        assertThat(waiting.get(ProjectionCommits.LOOK_AGAIN_MILLIS * 3, TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void segmentsHeldHereAreNotLookedUpInTheTokenTable() throws Exception {
        twoSegmentsAt(0);
        commits.advanced(REFERRALS, 0, at(0));
        commits.advanced(REFERRALS, 1, at(0));
        assertThat(commits.reached(List.of(REFERRALS), 0)).isTrue();
        int reads = tableReads.get();

        CompletableFuture<Boolean> waiting = waitFor(aggregateOf(0), 1, Duration.ofSeconds(2));
        Thread.sleep(600);
        commits.advanced(REFERRALS, 0, at(1));

        assertThat(waiting.get(1, TimeUnit.SECONDS)).isTrue();
        assertThat(tableReads.get()).as("token table reads while waiting on a segment held here").isEqualTo(reads);
    }

    @Test
    void aReleasedSegmentIsKnownFromTheTokenTableAgain() throws Exception {
        twoSegmentsAt(10);
        commits.advanced(REFERRALS, 0, at(20));
        assertThat(commits.reached(List.of(REFERRALS), 15)).as("segment 1 at 10 in the table").isFalse();
        commits.advanced(REFERRALS, 1, at(20));
        assertThat(commits.reached(List.of(REFERRALS), 15)).isTrue();

        commits.released(REFERRALS, 1);
        commits.storedElsewhere();

        assertThat(commits.reached(List.of(REFERRALS), 15)).as("segment 1 as the table has it").isFalse();
    }

    @Test
    void aProcessorWithoutTokensHasHandledNothing() throws Exception {
        twoSegmentsAt(10);

        assertThat(commits.awaitReached(List.of(REFERRALS, "records"), 5, Duration.ofMillis(100))).isFalse();
        assertThat(commits.awaitReached(List.of(REFERRALS), 5, Duration.ofMillis(100))).isTrue();
    }
}

package dev.careloop.plumbing;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeriodicTaskTest {

    /** Counts its rounds; fails the first {@code failures} of them. */
    static class Counting extends PeriodicTask {
        final AtomicInteger rounds = new AtomicInteger();
        final CountDownLatch third = new CountDownLatch(3);
        final List<String> seen = new CopyOnWriteArrayList<>();
        final int failures;

        Counting(Rounds mode, int failures) {
            super("counting", Duration.ofMillis(20), Duration.ZERO, mode, DEFAULT_PHASE);
            this.failures = failures;
        }

        @Override
        protected void runOnce() {
            int round = rounds.incrementAndGet();
            third.countDown();
            seen.add(Thread.currentThread().getName());
            if (round <= failures) {
                throw new IllegalStateException("round " + round + " failed");
            }
        }

        @Override
        protected void roundFailed(RuntimeException e) {
            seen.add("failed: " + e.getMessage());
        }

        @Override
        protected void stopped() {
            seen.add("stopped after " + rounds.get());
        }
    }

    @Test
    void runsRoundAfterRoundOnItsOwnNamedThreadUntilStopped() throws InterruptedException {
        Counting task = new Counting(PeriodicTask.Rounds.PER_NODE, 0);

        task.start();
        assertThat(task.isRunning()).isTrue();
        assertThat(task.third.await(5, TimeUnit.SECONDS)).as("three rounds ran").isTrue();
        task.stop();

        assertThat(task.isRunning()).isFalse();
        int afterStop = task.rounds.get();
        Thread.sleep(100);
        assertThat(task.rounds.get()).as("no round after stop").isEqualTo(afterStop);
        assertThat(task.seen).first().isEqualTo("counting");
        assertThat(task.seen).last().isEqualTo("stopped after " + afterStop);
    }

    @Test
    void aFailedRoundIsReportedAndTheNextOneStillComes() throws InterruptedException {
        Counting task = new Counting(PeriodicTask.Rounds.PER_NODE, 2);

        task.start();
        assertThat(task.third.await(5, TimeUnit.SECONDS)).as("the third round came after two failures").isTrue();
        task.stop();

        assertThat(task.seen).contains("failed: round 1 failed", "failed: round 2 failed")
                .doesNotContain("failed: round 3 failed");
    }

    @Test
    void aClusterWideTaskWithoutASharedDatabaseRunsEveryRoundHere() {
        assertThat(new Counting(PeriodicTask.Rounds.CLUSTER_WIDE, 0).claimRound()).isTrue();
    }

    @Test
    void aPerNodeTaskNeverAsksTheSharedDatabaseForItsRound() {
        Counting task = new Counting(PeriodicTask.Rounds.PER_NODE, 0);
        // No DataSource behind it: any claim in periodic_task_round would throw.
        task.shareRounds(new JdbcTemplate(), new NodeIdentity("node-a"));

        assertThat(task.claimRound()).isTrue();
    }

    @Test
    void aClusterWideTaskClaimsItsRoundInTheSharedDatabase() {
        Counting task = new Counting(PeriodicTask.Rounds.CLUSTER_WIDE, 0);
        task.shareRounds(new JdbcTemplate(), new NodeIdentity("node-a"));

        assertThatThrownBy(task::claimRound).as("it went to the database").isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("DataSource");
    }

    @Test
    void stoppingATaskThatNeverStartedDoesNothing() {
        Counting task = new Counting(PeriodicTask.Rounds.PER_NODE, 0);

        task.stop();

        assertThat(task.seen).isEmpty();
    }
}

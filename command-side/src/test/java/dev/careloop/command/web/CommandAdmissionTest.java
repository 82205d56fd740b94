package dev.careloop.command.web;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Commands admitted a few at a time: the others wait their turn, and one that waits too long is a 503. */
class CommandAdmissionTest {

    @Test
    void noMoreCommandsRunAtOnceThanTheConcurrencyAndTheOthersWaitTheirTurn() throws Exception {
        CommandAdmission admission = new CommandAdmission(2, Duration.ofSeconds(10));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                answers.add(clients.submit(() -> admission.run(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    sleep(5);
                    running.decrementAndGet();
                    return n;
                })));
            }
            for (int i = 0; i < answers.size(); i++) {
                assertThat(answers.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i);
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(most).as("commands that ran at once").hasValue(2);
    }

    @Test
    void aCommandWhoseTurnDoesNotComeInTimeIsAnswered503WithRetryAfterAndDoesNotRun() throws Exception {
        CommandAdmission admission = new CommandAdmission(1, Duration.ofMillis(100));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread first = new Thread(() -> admission.run(() -> {
            holding.countDown();
            await(release);
            return null;
        }));
        first.start();
        assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
        AtomicInteger ran = new AtomicInteger();

        assertThatThrownBy(() -> admission.run(ran::incrementAndGet))
                .isInstanceOfSatisfying(CommandAdmission.Busy.class, busy -> {
                    assertThat(busy.getStatusCode().value()).isEqualTo(503);
                    assertThat(busy.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
                });
        assertThat(ran).as("the refused command").hasValue(0);

        release.countDown();
        first.join(5000);
        assertThat(admission.run(ran::incrementAndGet)).as("its turn, once the first is done").isEqualTo(1);
    }

    @Test
    void aCommandSentWhileTheThreadRunsOneGoesStraightOn() {
        CommandAdmission admission = new CommandAdmission(1, Duration.ofMillis(100));
        assertThat(admission.run(() -> admission.run(() -> "nested"))).isEqualTo("nested");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

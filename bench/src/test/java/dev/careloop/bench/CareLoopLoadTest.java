package dev.careloop.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CareLoopLoadTest {

    /** No app process and no database to read costs from: only the client's own CPU is known. */
    static final Costs NO_SERVER = new Costs(0, null);

    private static Options oneSecondAgainst(String baseUrl) {
        return Options.parse(List.of("--base-url", baseUrl, "--clients", "2", "--seconds", "1",
                "--warmup-seconds", "0", "--probe-interval-ms", "50", "--http-only"));
    }

    @Test
    void walksReferralsThroughSendAcceptAndScheduleWithoutErrors() throws Exception {
        try (FakeCareLoop careLoop = new FakeCareLoop()) {
            CareLoopLoad.Result result = new CareLoopLoad(oneSecondAgainst(careLoop.baseUrl().toString()), NO_SERVER).run(2);

            assertThat(result.firstErrors()).isEmpty();
            assertThat(result.errors()).isZero();
            long sent = result.perStep().get(CareLoopLoad.Step.SEND).count();
            assertThat(sent).isPositive();
            assertThat(result.perStep().get(CareLoopLoad.Step.SCHEDULE).count()).isBetween(sent - 2, sent);
            assertThat(result.all().count()).isEqualTo(result.perStep().values().stream()
                    .mapToLong(Latencies.Summary::count).sum());
            assertThat(result.lag().lag().count()).isPositive();
            assertThat(result.lag().notVisibleAtFirst()).isZero();
            assertThat(result.appJvm()).isEqualTo("Java 21 (Fake)");
            assertThat(result.clients()).isEqualTo(2);
            assertThat(result.costs().clientCpuMillis()).isPositive();
            assertThat(result.costs().appCpuMillis()).isNaN();
            assertThat(result.costs().commits()).isNaN();
        }
    }

    @Test
    void keepsTheFirstRefusalsWordForWord() throws Exception {
        try (FakeCareLoop careLoop = new FakeCareLoop()) {
            careLoop.refuseScheduling();

            CareLoopLoad.Result result = new CareLoopLoad(oneSecondAgainst(careLoop.baseUrl().toString()), NO_SERVER).run(2);

            assertThat(result.errors()).isPositive();
            assertThat(result.perStep().get(CareLoopLoad.Step.SCHEDULE).count()).isZero();
            assertThat(result.firstErrors()).hasSizeLessThanOrEqualTo(5).first().asString()
                    .matches("POST /api/referrals/[0-9a-f-]{36}/schedule -> 409 .*")
                    .contains("an accepted referral cannot be scheduled here");
        }
    }

    @Test
    void tellsTheUserToStartTheAppWhenNothingAnswers() {
        String nothingThere = "http://127.0.0.1:9";

        assertThatThrownBy(() -> new CareLoopLoad(oneSecondAgainst(nothingThere), NO_SERVER).run(2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no CareLoop answering at " + nothingThere)
                .hasMessageContaining("start it first");
    }
}

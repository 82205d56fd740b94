package dev.careloop.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FloorLoadTest {

    private static Options oneSecondAgainst(String baseUrl) {
        return Options.parse(List.of("--base-url", baseUrl, "--seconds", "1", "--warmup-seconds", "0",
                "--jdbc-url", "jdbc:postgresql://127.0.0.1:9/none", "--http-only"));
    }

    @Test
    void postsToTheFloorAsTheSenderAndCountsEveryAnswer() throws Exception {
        try (FakeCareLoop careLoop = new FakeCareLoop()) {
            FloorLoad.Result result = new FloorLoad(oneSecondAgainst(careLoop.baseUrl().toString()),
                    CareLoopLoadTest.NO_SERVER).run(3);

            assertThat(result.firstErrors()).isEmpty();
            assertThat(result.clients()).isEqualTo(3);
            assertThat(result.summary().count()).isPositive()
                    .isLessThanOrEqualTo(careLoop.floorRows() - 1); // the first call only checks that it is on
            assertThat(result.costs().clientCpuMillis()).isPositive();
        }
    }

    @Test
    void saysHowToTurnTheFloorOnWhenTheAppHasNone() throws Exception {
        try (FakeCareLoop careLoop = new FakeCareLoop()) {
            careLoop.floorOff();

            assertThatThrownBy(() -> new FloorLoad(oneSecondAgainst(careLoop.baseUrl().toString()),
                    CareLoopLoadTest.NO_SERVER).run(1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("403")
                    .hasMessageContaining("CARELOOP_BENCH_FLOOR=true")
                    .hasMessageContaining("--skip-floor");
            assertThat(careLoop.floorRows()).isZero();
        }
    }
}

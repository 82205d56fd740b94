package dev.careloop.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The access-log benchmark's answer is the ratio of the phases' medians: one odd phase moves it little. */
class AccessLogBenchmarkTest {

    @Test
    void theMedianOfThreePhasesIgnoresOnePhaseThatMetACompileOrABurst() {
        assertThat(AccessLogBenchmark.median(List.of(900.0, 150.0, 880.0))).isEqualTo(880.0);
        assertThat(AccessLogBenchmark.median(List.of(1000.0, 1100.0, 300.0))).isEqualTo(1000.0);
    }

    @Test
    void anEvenNumberOfPhasesTakesTheMeanOfTheMiddleTwo() {
        assertThat(AccessLogBenchmark.median(List.of(400.0, 100.0, 300.0, 200.0))).isEqualTo(250.0);
        assertThat(AccessLogBenchmark.median(List.of())).isNaN();
    }

    @Test
    void theLoadAverageIsReadAsThreeFiguresOrAQuestionMark() {
        assertThat(AccessLogBenchmark.loadAverage()).matches("\\?|[0-9.]+, [0-9.]+, [0-9.]+");
    }
}

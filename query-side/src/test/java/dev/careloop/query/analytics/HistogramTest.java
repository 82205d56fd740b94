package dev.careloop.query.analytics;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Turnaround buckets: whole hours under three days, whole days from there. */
class HistogramTest {

    @Test
    void durationsUnderThreeDaysCountInWholeHoursAndLongerOnesInWholeDays() {
        assertThat(Histogram.bucketOf(Duration.ofMinutes(59))).isZero();
        assertThat(Histogram.bucketOf(Duration.ofMinutes(61))).isEqualTo(1);
        assertThat(Histogram.bucketOf(Duration.ofHours(71).plusMinutes(59))).isEqualTo(71);
        assertThat(Histogram.bucketOf(Duration.ofHours(72))).isEqualTo(72);
        assertThat(Histogram.bucketOf(Duration.ofHours(95))).isEqualTo(72);
        assertThat(Histogram.bucketOf(Duration.ofHours(96))).isEqualTo(73);
        assertThat(Histogram.hoursOf(73)).isEqualTo(96);
        assertThat(Histogram.bucketOf(Duration.ofHours(-5))).isZero();
    }

    @Test
    void theMedianAndNinetiethPercentileAreTheNearestRankOfTheBuckets() {
        Histogram h = Histogram.EMPTY;
        for (long hours : new long[]{2, 5, 10, 30, 100}) {
            h = h.plus(Duration.ofHours(hours), 1);
        }
        // Ranks 3 and 5 of five: 10 h, and 100 h counted as its whole days (4 days = 96 h).
        assertThat(h.percentileHours(0.5)).isEqualTo(10);
        assertThat(h.percentileHours(0.9)).isEqualTo(96);
        assertThat(Histogram.EMPTY.percentileHours(0.5)).isNull();
    }

    @Test
    void countUnderCountsOnlyDurationsShorterThanTheTarget() {
        Histogram h = Histogram.EMPTY.plus(Duration.ofDays(29).plusHours(23), 1).plus(Duration.ofDays(30), 1)
                .plus(Duration.ofHours(3), 1);

        assertThat(h.countUnder(30)).isEqualTo(2);
        assertThat(h.countUnder(31)).isEqualTo(3);
    }

    @Test
    void takingAwayWhatWasAddedLeavesNoBucketAndTheJsonRoundTrips() {
        Histogram h = Histogram.EMPTY.plus(Duration.ofHours(5), 2).plus(Duration.ofDays(10), 1);

        assertThat(h.json()).isEqualTo("{\"5\": 2, \"79\": 1}");
        assertThat(Histogram.parse(h.json())).isEqualTo(h);
        assertThat(Histogram.parse("{}")).isEqualTo(Histogram.EMPTY);
        assertThat(h.plus(Duration.ofHours(5), -2).buckets()).isEqualTo(Map.of(79, 1L));
    }

    @Test
    void anAccumulatorSumsManyHistogramsAsAddingThemOneByOneDoes() {
        Histogram a = Histogram.parse("{\"2\": 3, \"80\": 1}");
        Histogram b = Histogram.parse("{\"2\": 1, \"5\": 2}");
        Histogram taken = Histogram.parse("{\"5\": -2}");
        Histogram.Accumulator sum = new Histogram.Accumulator();
        for (Histogram h : new Histogram[]{a, b, taken, Histogram.EMPTY}) {
            sum.add(h);
        }
        assertThat(sum.histogram()).isEqualTo(a.plus(b).plus(taken));
        assertThat(sum.histogram().buckets()).containsExactly(Map.entry(2, 4L), Map.entry(80, 1L));
        assertThat(new Histogram.Accumulator().histogram()).isEqualTo(Histogram.EMPTY);
    }

    @Test
    void theAccumulatorAddsHistogramsFromTheirJsonTextAsFromTheHistogramsThemselves() {
        List<String> texts = List.of("{}", "{\"5\": 2, \"79\": 1}", "{\"0\": 7}", " {\"5\": 3, \"2000\": 1}",
                "{\"71\":4,\"100000\":2}", "{\"79\": -1}");
        Histogram.Accumulator fromText = new Histogram.Accumulator();
        Histogram.Accumulator fromHistograms = new Histogram.Accumulator();
        for (String text : texts) {
            fromText.addJson(text);
            fromHistograms.add(Histogram.parse(text));
        }

        assertThat(fromText.histogram()).isEqualTo(fromHistograms.histogram());
        // 79 added once and taken away once leaves no bucket; days beyond the array's buckets are kept too.
        assertThat(fromText.histogram().buckets()).isEqualTo(Map.of(0, 7L, 5, 5L, 71, 4L, 2000, 1L, 100000, 2L));
        assertThatThrownBy(() -> new Histogram.Accumulator().addJson("[1, 2]"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Histogram.Accumulator().addJson("{\"x\": 1}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

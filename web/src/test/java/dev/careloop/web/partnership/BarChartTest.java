package dev.careloop.web.partnership;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server-rendered SVG bar chart: what it draws, how it is named for assistive technology, and its table. */
class BarChartTest {

    private static BarChart referrals() {
        return new BarChart("reciprocity", "Referrals each way", "Sent and received per month.", "Month",
                BarChart.Scale.COUNT, List.of("2026-10", "2026-11", "2026-12"), List.of(
                new BarChart.Series("Sent", List.of(3.0, 0.0, 5.0)),
                new BarChart.Series("Received", List.of(1.0, 2.0, 0.0))), null);
    }

    @Test
    void theSvgIsAnImageNamedByItsTitleAndSummary() {
        String svg = referrals().svg();

        assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 720 280\"")
                .contains("role=\"img\"", "aria-labelledby=\"reciprocity-title reciprocity-desc\"",
                        "<title id=\"reciprocity-title\">Referrals each way</title>",
                        "<desc id=\"reciprocity-desc\">Sent and received per month.</desc>")
                .endsWith("</svg>").doesNotContain("style=", "<script");
    }

    @Test
    void oneBarPerValueEachWithItsFigureAndTheSecondSeriesHatched() {
        String svg = referrals().svg();

        assertThat(svg).contains("data-bars=\"6\"");
        assertThat(count(svg, "class=\"bar series-0\"")).isEqualTo(3 + 1);
        assertThat(count(svg, "class=\"bar series-1\"")).isEqualTo(3 + 1);
        assertThat(count(svg, "class=\"value\"")).as("each bar's figure above it").isEqualTo(6);
        assertThat(svg).contains("<title>2026-12, Sent: 5</title>", "<title>2026-11, Received: 2</title>",
                "fill=\"url(#reciprocity-hatch)\"", "<pattern id=\"reciprocity-hatch\"");
    }

    @Test
    void theValueAxisRunsToARoundNumberAtOrAboveTheLargestValue() {
        assertThat(BarChart.niceCeiling(5)).isEqualTo(5);
        assertThat(BarChart.niceCeiling(7)).isEqualTo(10);
        assertThat(BarChart.niceCeiling(130)).isEqualTo(200);
        assertThat(BarChart.niceCeiling(240)).isEqualTo(250);
        // Largest bar 5: whole-number ticks 0, 2, 4, 6 for counts.
        assertThat(referrals().svg()).contains(">0</text>", ">2</text>", ">4</text>", ">6</text>")
                .doesNotContain(">8</text>", ">2.5</text>");
        // 250 h: a tick every 3 days (72 h), shown in hours below 3 days and in days from there.
        BarChart hours = new BarChart("t", "t", "s", "Step", BarChart.Scale.HOURS, List.of("a"),
                List.of(new BarChart.Series("Median", List.of(250.0))), null);
        assertThat(hours.svg()).contains(">0 h</text>", ">3 d</text>", ">6 d</text>", ">9 d</text>", ">12 d</text>");
    }

    @Test
    void aTargetIsADashedLineAndEveryBarBelowItIsMarkedMissedInTheChartAndTheTable() {
        BarChart closure = new BarChart("loop-closure", "Loops closed", "Per month.", "Month", BarChart.Scale.SHARE,
                List.of("2026-11", "2026-12"), List.of(new BarChart.Series("Sent", Arrays.asList(0.5, 1.0)),
                new BarChart.Series("Received", Arrays.asList(null, 0.95))),
                new BarChart.Target(0.95, "Goal 95 %", true));

        String svg = closure.svg();

        assertThat(svg).contains("class=\"target-line\"", ">Goal 95 %</text>", "class=\"bar series-0 missed\"",
                "<title>2026-11, Sent: 50 % (target missed)</title>", "<title>2026-12, Received: 95 % (target met)</title>");
        assertThat(count(svg, "class=\"miss-mark\"")).isEqualTo(1);
        assertThat(closure.columns()).containsExactly("Month", "Sent", "Sent: Goal 95 %", "Received",
                "Received: Goal 95 %");
        assertThat(closure.rows()).containsExactly(List.of("2026-11", "50 %", "missed", "none", ""),
                List.of("2026-12", "100 %", "met", "95 %", "met"));
    }

    @Test
    void durationsReadInHoursBelowThreeDaysAndInWholeDaysFromThere() {
        assertThat(BarChart.hours(10)).isEqualTo("10 h");
        assertThat(BarChart.hours(71)).isEqualTo("71 h");
        assertThat(BarChart.hours(96)).isEqualTo("4 d");
        assertThat(BarChart.hours(100)).isEqualTo("4 d");
    }

    @Test
    void aStepFromOneEventToAnotherIsLabelledOnTwoLines() {
        BarChart steps = new BarChart("steps", "t", "s", "Step", BarChart.Scale.HOURS,
                List.of("Sent → earliest slot", "Seen"), List.of(new BarChart.Series("Median", List.of(2.0, 3.0))),
                null);

        assertThat(steps.svg()).contains(">Sent →</tspan>", "dy=\"13\">earliest slot</tspan></text>",
                ">Seen</text>");
        assertThat(steps.rows().get(0).get(0)).isEqualTo("Sent → earliest slot");
    }

    @Test
    void textFromTheApiCannotBecomeMarkup() {
        BarChart chart = new BarChart("x", "A <b>&</b>", "\"quoted\"", "Month", BarChart.Scale.COUNT,
                List.of("<script>"), List.of(new BarChart.Series("o'brien", List.of(1.0))), null);

        assertThat(chart.svg()).contains("A &lt;b&gt;&amp;&lt;/b&gt;", "&quot;quoted&quot;", "&lt;script&gt;",
                "o&#39;brien").doesNotContain("<script>", "<b>");
    }

    @Test
    void aChartWithoutValuesSaysSoAndBadShapesAreRefused() {
        BarChart empty = new BarChart("empty", "t", "s", "Month", BarChart.Scale.SHARE, List.of("2026-12"),
                List.of(new BarChart.Series("Sent", Arrays.asList((Double) null))), null);

        assertThat(empty.hasData()).isFalse();
        assertThat(referrals().hasData()).isTrue();
        assertThatThrownBy(() -> new BarChart("Bad id", "t", "s", "Month", BarChart.Scale.COUNT, List.of("a"),
                List.of(new BarChart.Series("s", List.of(1.0))), null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BarChart("x", "t", "s", "Month", BarChart.Scale.COUNT, List.of("a", "b"),
                List.of(new BarChart.Series("s", List.of(1.0))), null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}

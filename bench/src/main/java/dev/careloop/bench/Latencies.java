package dev.careloop.bench;

import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/** Latencies in microseconds (3 significant digits, up to a minute); one per thread, merged at the end. */
final class Latencies {

    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);

    private final Histogram histogram = new Histogram(HIGHEST_MICROS, 3);

    void record(long startNanos, long endNanos) {
        long micros = Math.max(1, (endNanos - startNanos) / 1_000);
        histogram.recordValue(Math.min(micros, HIGHEST_MICROS));
    }

    void add(Latencies other) {
        histogram.add(other.histogram);
    }

    long count() {
        return histogram.getTotalCount();
    }

    double percentileMillis(double percentile) {
        return count() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1_000.0;
    }

    /** Throughput and latency of what was recorded over {@code seconds}. */
    Summary summary(double seconds) {
        return new Summary(count(), count() / seconds, percentileMillis(50), percentileMillis(99),
                count() == 0 ? Double.NaN : histogram.getMaxValue() / 1_000.0);
    }

    record Summary(long count, double perSecond, double p50Millis, double p99Millis, double maxMillis) {
    }
}

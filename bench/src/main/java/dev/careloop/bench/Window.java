package dev.careloop.bench;

import java.time.Duration;

/** One phase's clock: work runs from start to end; only what completes after the warm-up is measured. */
record Window(long startNanos, long measureFromNanos, long endNanos) {

    static Window startingNow(Duration warmup, Duration measured) {
        long now = System.nanoTime();
        return new Window(now, now + warmup.toNanos(), now + warmup.toNanos() + measured.toNanos());
    }

    boolean running() {
        return System.nanoTime() < endNanos;
    }

    boolean counts(long completedAtNanos) {
        return completedAtNanos >= measureFromNanos && completedAtNanos < endNanos;
    }

    double measuredSeconds() {
        return (endNanos - measureFromNanos) / 1e9;
    }
}

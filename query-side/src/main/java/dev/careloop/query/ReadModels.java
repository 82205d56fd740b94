package dev.careloop.query;

import org.axonframework.messaging.MetaData;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/** What every read model of the query side needs: metadata as text, and waiting for a written version. */
public final class ReadModels {
    private ReadModels() {
    }

    /** A metadata value as text, or null when the message does not carry it. */
    public static String text(MetaData metaData, String key) {
        Object value = metaData.get(key);
        return value == null ? null : value.toString();
    }

    /**
     * Reads until the row has reached {@code minVersion} (the command side's read-after-write), backing off
     * from 1 to 20 ms; after {@code timeout} answers whatever is there, which may be older or nothing.
     */
    public static <V> Optional<V> awaitVersion(Supplier<Optional<V>> read, ToLongFunction<V> versionOf,
                                               long minVersion, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 1;
        while (true) {
            Optional<V> view = read.get();
            if (view.isPresent() && versionOf.applyAsLong(view.get()) >= minVersion) {
                return view;
            }
            if (System.nanoTime() > deadline) {
                return view;
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 20);
        }
    }
}

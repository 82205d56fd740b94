package dev.careloop.bench;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** Every failed operation is counted; the first few are kept word for word, because they explain the rest. */
final class Errors {

    private static final int KEPT = 5;
    private static final int MAX_BODY = 600;

    private final AtomicLong count = new AtomicLong();
    private final ConcurrentLinkedQueue<String> first = new ConcurrentLinkedQueue<>();

    void add(String what) {
        if (count.incrementAndGet() <= KEPT) {
            first.add(what.length() > MAX_BODY ? what.substring(0, MAX_BODY) + "..." : what);
        }
    }

    void add(String what, Exception e) {
        add(what + " -> " + e);
    }

    long count() {
        return count.get();
    }

    List<String> first() {
        return List.copyOf(first);
    }
}

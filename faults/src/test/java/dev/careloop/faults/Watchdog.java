package dev.careloop.faults;

import java.io.IOException;

/**
 * Ends a process the suite started when the suite's own JVM dies without running its shutdown hooks (a killed
 * fork, a timeout): a small shell loop outside the JVM, so that no app or PostgreSQL outlives a failed run.
 */
final class Watchdog {

    private Watchdog() {
    }

    /** Sends {@code signal} (KILL, QUIT...) to {@code pid} once this JVM is gone, unless {@code pid} ended first. */
    static void guard(long pid, String signal) {
        long self = ProcessHandle.current().pid();
        String loop = "while kill -0 " + self + " 2>/dev/null && kill -0 " + pid + " 2>/dev/null; do sleep 1; done; "
                + "kill -0 " + self + " 2>/dev/null || kill -" + signal + " " + pid + " 2>/dev/null";
        try {
            new ProcessBuilder("sh", "-c", loop).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the watchdog of process " + pid, e);
        }
    }
}

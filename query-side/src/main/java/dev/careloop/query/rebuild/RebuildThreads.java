package dev.careloop.query.rebuild;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import java.util.concurrent.ThreadFactory;

/** The threads of a rebuild: daemons (a rebuild never keeps the process alive), named for thread dumps. */
final class RebuildThreads {

    private RebuildThreads() {
    }

    /** Threads named {@code prefix-1}, {@code prefix-2}, ... */
    static ThreadFactory named(String prefix) {
        CustomizableThreadFactory factory = new CustomizableThreadFactory(prefix + "-");
        factory.setDaemon(true);
        return factory;
    }
}

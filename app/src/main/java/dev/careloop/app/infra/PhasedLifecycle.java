package dev.careloop.app.infra;

import org.springframework.context.SmartLifecycle;

/** Something started with the application and stopped with it, at a phase of Spring's lifecycle. */
final class PhasedLifecycle implements SmartLifecycle {

    private final Runnable start;
    private final Runnable stop;
    private final int phase;
    private volatile boolean running;

    PhasedLifecycle(Runnable start, Runnable stop, int phase) {
        this.start = start;
        this.stop = stop;
        this.phase = phase;
    }

    @Override
    public void start() {
        start.run();
        running = true;
    }

    @Override
    public void stop() {
        stop.run();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return phase;
    }
}

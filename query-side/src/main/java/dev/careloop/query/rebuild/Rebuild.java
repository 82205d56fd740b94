package dev.careloop.query.rebuild;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One rebuild and how far it got: written by the thread that runs it, read by anyone. Positions are global indexes
 * of the log, so "events" counts positions (an append that rolled back leaves a gap, counted but empty).
 */
final class Rebuild {

    enum State {
        /** Replaying the log up to the head as it was when the rebuild started. */
        RUNNING("running"),
        /** Past that head; following the events appended since, until close enough to switch. */
        CATCHING_UP("catching-up"),
        /** Live processors stopped for the moment of the switch; reads go on. */
        SWITCHING("switching"),
        SWITCHED("switched"),
        FAILED("failed");

        final String code;

        State(String code) {
            this.code = code;
        }
    }

    final UUID id = UUID.randomUUID();
    final List<String> groups;
    final List<String> tables;
    final int segments;
    final int batchSize;
    final Instant requestedAt = Instant.now();

    private volatile State state = State.RUNNING;
    private volatile String reason;
    private volatile long tail;
    private volatile long target;
    private volatile long position;
    private volatile long head;
    private volatile long startNanos;
    private volatile Instant startedAt;
    private volatile Instant caughtUpAt;
    private volatile Instant switchedAt;
    private volatile long replayNanos;

    Rebuild(List<String> groups, List<String> tables, int segments, int batchSize) {
        this.groups = List.copyOf(groups);
        this.tables = List.copyOf(tables);
        this.segments = segments;
        this.batchSize = batchSize;
    }

    /** The processor starts after {@code tail} and must reach {@code target}, the head when it started. */
    void started(long tail, long target) {
        this.tail = tail;
        this.target = target;
        this.position = tail;
        this.head = target;
        this.startedAt = Instant.now();
        this.startNanos = System.nanoTime();
    }

    void progressed(long position, long head) {
        this.position = Math.max(this.position, position);
        this.head = Math.max(this.head, head);
        if (state == State.RUNNING && this.position >= target) {
            replayNanos = System.nanoTime() - startNanos;
            caughtUpAt = Instant.now();
            state = State.CATCHING_UP;
        }
    }

    void switching() {
        state = State.SWITCHING;
    }

    void switched() {
        switchedAt = Instant.now();
        state = State.SWITCHED;
    }

    void failed(String why) {
        reason = why;
        state = State.FAILED;
    }

    State state() {
        return state;
    }

    long position() {
        return position;
    }

    boolean finished() {
        return state == State.SWITCHED || state == State.FAILED;
    }

    /** What {@code GET /api/admin/rebuilds/{id}} shows. */
    RebuildView view() {
        long done = Math.max(0, position - tail);
        long total = Math.max(0, head - tail);
        Double rate = null;
        Double replaySeconds = null;
        Long replayedEvents = null;
        if (replayNanos > 0) {
            replaySeconds = replayNanos / 1e9;
            replayedEvents = Math.max(0, target - tail);
            rate = replayedEvents / replaySeconds;
        } else if (startedAt != null) {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            rate = seconds > 0 ? done / seconds : null;
        }
        Long secondsLeft = null;
        if (!finished() && rate != null && rate > 0) {
            secondsLeft = (long) Math.ceil((total - done) / rate);
        }
        return new RebuildView(id.toString(), groups, tables, state.code, reason, done, total, head, rate,
                secondsLeft, replayedEvents, replaySeconds, requestedAt, startedAt, caughtUpAt, switchedAt, segments,
                batchSize);
    }

    Duration age() {
        return Duration.between(requestedAt, Instant.now());
    }
}

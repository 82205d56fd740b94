package dev.careloop.query;

import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * How far each event processor's segments have come, for read-your-writes without polling the read models (issue
 * 19). This node's processors report each segment as its batch commits (or as it passes events it has nothing to do
 * with, which commit nothing); segments other nodes hold are known from the token table, read again when a
 * notification says a token was stored somewhere and at the latest every {@value #LOOK_AGAIN_MILLIS} ms while someone
 * waits. A waiting request holds no transaction and no connection: it sleeps until a report or a notification.
 */
public class ProjectionCommits {

    /** How often a waiter reads the token table again though nothing woke it (a lost notification, a restart). */
    public static final long LOOK_AGAIN_MILLIS = 250;

    /** One segment of one processor. */
    public record Key(String processor, int segment) {
    }

    /** The token table as last read: every segment's stored token (null: none yet). */
    private record Table(Map<Key, TrackingToken> tokens, Map<String, int[]> segments, long generation, long readAt) {
    }

    private enum Answer { REACHED, NOT_YET, ASK_THE_TABLE }

    private final Supplier<Map<Key, TrackingToken>> tokenTable;
    private final ConcurrentHashMap<Key, TrackingToken> heldHere = new ConcurrentHashMap<>();
    private final Object monitor = new Object();
    /** Counts reports and notifications, so one arriving between a look and the wait is not slept through. */
    private long changes;
    /** Counts notifications of tokens stored on any node: the table as read before one may be behind. */
    private final AtomicLong storedGeneration = new AtomicLong();
    /** One reader of the table at a time; the others use what it read. */
    private final Object reading = new Object();
    private volatile Table table;

    /** @param tokenTable reads every row of the token table (outside any transaction: one statement). */
    public ProjectionCommits(Supplier<Map<Key, TrackingToken>> tokenTable) {
        this.tokenTable = tokenTable;
    }

    /**
     * A segment this node holds has handled every event up to {@code token} and what it wrote is committed (or it had
     * nothing to write): called after the batch's commit, or for a batch that handled no event.
     */
    public void advanced(String processor, int segment, TrackingToken token) {
        if (token == null) {
            return;
        }
        heldHere.put(new Key(processor, segment), token);
        wake();
    }

    /** This node no longer holds the segment: the token table tells how far it is from now on. */
    public void released(String processor, int segment) {
        heldHere.remove(new Key(processor, segment));
        wake();
    }

    /** A processor (on any node) stored a token: waiters needing a segment held elsewhere read the table again. */
    public void storedElsewhere() {
        storedGeneration.incrementAndGet();
        wake();
    }

    /** The tokens of the segments this node holds, newer than the table's for idle segments whose store is deferred. */
    public Map<Key, TrackingToken> heldHere() {
        return Map.copyOf(heldHere);
    }

    /** Whether every segment of each processor has handled the event at {@code position} (and all before it). */
    public boolean reached(Collection<String> processors, long position) {
        return lookWithTable(processors, null, position);
    }

    /**
     * Waits up to {@code timeout} until every segment of each of {@code processors} has handled {@code position};
     * answers whether they have.
     */
    public boolean awaitReached(Collection<String> processors, long position, Duration timeout)
            throws InterruptedException {
        return await(processors, null, position, timeout);
    }

    /**
     * Waits up to {@code timeout} until the segment of {@code processor} that handles {@code sequenceIdentifier} (its
     * sequencing policy's answer: for Axon's default, the aggregate identifier) has handled {@code position}.
     */
    public boolean awaitHandled(String processor, Object sequenceIdentifier, long position, Duration timeout)
            throws InterruptedException {
        return await(java.util.List.of(processor), Objects.requireNonNull(sequenceIdentifier), position, timeout);
    }

    /**
     * A write's read-back: waits for {@link #awaitHandled} of {@code position} (negative: not at all), then reads
     * once. A view older than {@code minVersion} (a write whose last event a process manager appends after the
     * answer) is read again after each commit or notification, until {@code timeout}; then what is there answers.
     */
    public <V> Optional<V> readOnceHandled(String processor, Object sequenceIdentifier, long position,
                                           long minVersion, Supplier<Optional<V>> read, ToLongFunction<V> versionOf,
                                           Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (position >= 0) {
            awaitHandled(processor, sequenceIdentifier, position, timeout);
        }
        while (true) {
            long before;
            synchronized (monitor) {
                before = changes;
            }
            Optional<V> view = read.get();
            if (view.isPresent() && versionOf.applyAsLong(view.get()) >= minVersion) {
                return view;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return view;
            }
            synchronized (monitor) {
                if (changes == before) {
                    monitor.wait(Math.min(left, LOOK_AGAIN_MILLIS));
                }
            }
        }
    }

    private boolean await(Collection<String> processors, Object sequenceIdentifier, long position, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long before;
            synchronized (monitor) {
                before = changes;
            }
            if (lookWithTable(processors, sequenceIdentifier, position)) {
                return true;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            synchronized (monitor) {
                if (changes == before) {
                    monitor.wait(Math.min(left, LOOK_AGAIN_MILLIS));
                }
            }
        }
    }

    /** Looks with what is known; reads the table again only for segments held elsewhere and when it may have moved. */
    private boolean lookWithTable(Collection<String> processors, Object sequenceIdentifier, long position) {
        Table known = table;
        if (known == null) {
            known = readIfStale();
        }
        Answer answer = look(known, processors, sequenceIdentifier, position);
        if (answer == Answer.ASK_THE_TABLE && stale(known)) {
            answer = look(readIfStale(), processors, sequenceIdentifier, position);
        }
        return answer == Answer.REACHED;
    }

    private boolean stale(Table known) {
        return known == null || known.generation != storedGeneration.get()
                || System.nanoTime() - known.readAt >= LOOK_AGAIN_MILLIS * 1_000_000;
    }

    private Table readIfStale() {
        synchronized (reading) {
            Table known = table;
            return stale(known) ? read() : known;
        }
    }

    private Table read() {
        long generation = storedGeneration.get();
        Map<Key, TrackingToken> tokens = tokenTable.get();
        Map<String, TreeSet<Integer>> ids = new HashMap<>();
        tokens.keySet().forEach(key -> ids.computeIfAbsent(key.processor(), p -> new TreeSet<>()).add(key.segment()));
        Map<String, int[]> segments = new TreeMap<>();
        ids.forEach((processor, set) -> segments.put(processor, set.stream().mapToInt(Integer::intValue).toArray()));
        Table fresh = new Table(tokens, segments, generation, System.nanoTime());
        table = fresh;
        return fresh;
    }

    private Answer look(Table known, Collection<String> processors, Object sequenceIdentifier, long position) {
        Answer answer = Answer.REACHED;
        for (String processor : processors) {
            int[] ids = known.segments().get(processor);
            if (ids == null) {
                // No token stored yet: nothing processed, or the processor started after the table was read.
                answer = Answer.ASK_THE_TABLE;
                continue;
            }
            for (Segment segment : Segment.computeSegments(ids)) {
                if (sequenceIdentifier != null && !segment.matches(Objects.hashCode(sequenceIdentifier))) {
                    continue;
                }
                Key key = new Key(processor, segment.getSegmentId());
                TrackingToken here = heldHere.get(key);
                if (covers(here, position)) {
                    continue;
                }
                if (here != null) {
                    // Held here: nobody else moves it, the table cannot know better.
                    return Answer.NOT_YET;
                }
                if (!covers(known.tokens().get(key), position)) {
                    answer = Answer.ASK_THE_TABLE;
                }
            }
        }
        return answer;
    }

    /** Whether the token has handled {@code position}: at or past it, and not leaving it behind as a gap. */
    static boolean covers(TrackingToken token, long position) {
        if (token == null || token.position().orElse(-1) < position) {
            return false;
        }
        TrackingToken lower = WrappedToken.unwrapLowerBound(token);
        return !(lower instanceof GapAwareTrackingToken gapAware && gapAware.getGaps().contains(position));
    }

    private void wake() {
        synchronized (monitor) {
            changes++;
            monitor.notifyAll();
        }
    }
}

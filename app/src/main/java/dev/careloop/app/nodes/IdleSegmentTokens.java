package dev.careloop.app.nodes;

import dev.careloop.query.ProjectionCommits;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The token store as this node's event processors use it, without a commit for segments that have nothing to do
 * (issue 19). A tracking processor stores every segment's token after every event, also when the segment handled
 * none (a token-only transaction per segment per event). Here such a store, outside a unit of work on a segment this
 * node holds, is kept in memory and written by the segment's next batch (whose token supersedes it), by
 * {@link #flush()} (every {@code careloop.nodes.idle-token-flush}, all segments in one transaction), or when the
 * claim is released. An idle segment's claim is extended every claim timeout / 4 instead of every second, by the
 * flush together with the node's other idle segments (one commit for all), or by the segment itself if no flush did. Losing a
 * kept token (a crash) is harmless: the segment reads again events it does not handle.
 * <p>
 * Each segment's progress is reported to {@link ProjectionCommits}: a batch's after its commit, a kept one at once
 * (nothing to commit), so read-your-writes and readiness look at the kept tokens.
 */
public final class IdleSegmentTokens implements TokenStore {

    private static final Logger log = LoggerFactory.getLogger(IdleSegmentTokens.class);

    /** A segment this node holds: its kept token and when its claim was last written. */
    private static final class Held {
        /** Held by a batch from its token store to its end, and by a flush while it writes; a flush only tries it. */
        final ReentrantLock lock = new ReentrantLock();
        volatile TrackingToken kept;
        volatile long claimWrittenAt;

        Held(long now) {
            claimWrittenAt = now;
        }
    }

    private final TokenStore delegate;
    private final TransactionManager transactions;
    private final ProjectionCommits commits;
    private final long extendClaimEvery;
    private final LongSupplier nanoTime;
    private final Map<ProjectionCommits.Key, Held> held = new ConcurrentHashMap<>();

    public IdleSegmentTokens(TokenStore delegate, TransactionManager transactions, ProjectionCommits commits,
                             Duration claimTimeout) {
        this(delegate, transactions, commits, claimTimeout, System::nanoTime);
    }

    IdleSegmentTokens(TokenStore delegate, TransactionManager transactions, ProjectionCommits commits,
                      Duration claimTimeout, LongSupplier nanoTime) {
        this.delegate = delegate;
        this.transactions = transactions;
        this.commits = commits;
        this.extendClaimEvery = claimTimeout.toNanos() / 4;
        this.nanoTime = nanoTime;
    }

    @Override
    public void storeToken(TrackingToken token, String processorName, int segment) throws UnableToClaimTokenException {
        ProjectionCommits.Key key = new ProjectionCommits.Key(processorName, segment);
        Held state = held.get(key);
        if (CurrentUnitOfWork.isStarted()) {
            // A batch: its token goes with what it writes, and supersedes a kept one.
            UnitOfWork<?> batch = CurrentUnitOfWork.get().root();
            if (state != null) {
                if (!state.lock.isHeldByCurrentThread()) {
                    state.lock.lock();
                    batch.onCleanup(u -> state.lock.unlock());
                }
                state.kept = null;
            }
            delegate.storeToken(token, processorName, segment);
            if (state != null) {
                state.claimWrittenAt = nanoTime.getAsLong();
            }
            batch.afterCommit(u -> commits.advanced(processorName, segment, token));
            return;
        }
        if (state == null) {
            // Not a segment this node's processing holds (a reset, a rebuild's hand-over): as asked.
            delegate.storeToken(token, processorName, segment);
            return;
        }
        // A batch that handled no event: nothing to commit.
        state.lock.lock();
        try {
            state.kept = token;
        } finally {
            state.lock.unlock();
        }
        commits.advanced(processorName, segment, token);
    }

    @Override
    public void extendClaim(String processorName, int segment) throws UnableToClaimTokenException {
        Held state = held.get(new ProjectionCommits.Key(processorName, segment));
        if (state == null || CurrentUnitOfWork.isStarted()) {
            delegate.extendClaim(processorName, segment);
            if (state != null) {
                state.claimWrittenAt = nanoTime.getAsLong();
            }
            return;
        }
        state.lock.lock();
        try {
            long now = nanoTime.getAsLong();
            if (now - state.claimWrittenAt < extendClaimEvery) {
                return;
            }
            if (state.kept != null) {
                delegate.storeToken(state.kept, processorName, segment);
                state.kept = null;
            } else {
                delegate.extendClaim(processorName, segment);
            }
            state.claimWrittenAt = now;
        } finally {
            state.lock.unlock();
        }
    }

    @Override
    public TrackingToken fetchToken(String processorName, int segment) throws UnableToClaimTokenException {
        return claimed(processorName, segment, delegate.fetchToken(processorName, segment));
    }

    @Override
    public TrackingToken fetchToken(String processorName, Segment segment) throws UnableToClaimTokenException {
        return claimed(processorName, segment.getSegmentId(), delegate.fetchToken(processorName, segment));
    }

    private TrackingToken claimed(String processorName, int segment, TrackingToken token) {
        long now = nanoTime.getAsLong();
        // Claimed again by the processor that holds it (a reopened stream): the same state, its kept token still newer.
        held.computeIfAbsent(new ProjectionCommits.Key(processorName, segment), key -> new Held(now)).claimWrittenAt = now;
        commits.advanced(processorName, segment, token);
        return token;
    }

    @Override
    public void releaseClaim(String processorName, int segment) {
        ProjectionCommits.Key key = new ProjectionCommits.Key(processorName, segment);
        Held state = held.remove(key);
        if (state != null) {
            state.lock.lock();
            try {
                if (state.kept != null) {
                    delegate.storeToken(state.kept, processorName, segment);
                    state.kept = null;
                }
            } catch (UnableToClaimTokenException e) {
                // Another node holds it now and is past this token.
            } finally {
                state.lock.unlock();
            }
        }
        delegate.releaseClaim(processorName, segment);
        commits.released(processorName, segment);
    }

    @Override
    public void deleteToken(String processorName, int segment) throws UnableToClaimTokenException {
        held.remove(new ProjectionCommits.Key(processorName, segment));
        delegate.deleteToken(processorName, segment);
        commits.released(processorName, segment);
    }

    /**
     * Writes every kept token in one transaction. A segment whose batch is running is skipped: the batch's token
     * supersedes the kept one. The same transaction extends the claims of idle segments that are nearly due
     * (three quarters of the extension interval) and, when it writes anything, of those half due: the node's idle
     * segments then extend their claims together, one commit every extension interval instead of one each.
     */
    public int flush() {
        long now = nanoTime.getAsLong();
        List<Map.Entry<ProjectionCommits.Key, Held>> taken = new ArrayList<>();
        List<TrackingToken> tokens = new ArrayList<>();
        boolean due = false;
        for (Map.Entry<ProjectionCommits.Key, Held> entry : held.entrySet()) {
            Held state = entry.getValue();
            long age = now - state.claimWrittenAt;
            if ((state.kept == null && age < extendClaimEvery / 2) || !state.lock.tryLock()) {
                continue;
            }
            age = now - state.claimWrittenAt;
            if (state.kept == null && age < extendClaimEvery / 2) {
                state.lock.unlock();
                continue;
            }
            due |= state.kept != null || age >= extendClaimEvery * 3 / 4;
            taken.add(entry);
            tokens.add(state.kept);
        }
        if (!due) {
            taken.forEach(entry -> entry.getValue().lock.unlock());
            return 0;
        }
        try {
            List<Boolean> written = new ArrayList<>();
            transactions.executeInTransaction(() -> {
                written.clear();
                for (int i = 0; i < taken.size(); i++) {
                    ProjectionCommits.Key key = taken.get(i).getKey();
                    try {
                        if (tokens.get(i) != null) {
                            delegate.storeToken(tokens.get(i), key.processor(), key.segment());
                        } else {
                            delegate.extendClaim(key.processor(), key.segment());
                        }
                        written.add(true);
                    } catch (UnableToClaimTokenException e) {
                        // Another node took the segment over; its processor here learns it at its next store.
                        written.add(false);
                    }
                }
            });
            long writtenAt = nanoTime.getAsLong();
            int count = 0;
            for (int i = 0; i < taken.size(); i++) {
                Held state = taken.get(i).getValue();
                if (tokens.get(i) != null && state.kept == tokens.get(i)) {
                    state.kept = null;
                }
                if (written.get(i)) {
                    state.claimWrittenAt = writtenAt;
                    if (tokens.get(i) != null) {
                        count++;
                    }
                }
            }
            return count;
        } catch (RuntimeException e) {
            log.warn("Writing the kept tokens and claims of idle segments failed; trying again at the next flush: {}",
                    e.toString());
            return 0;
        } finally {
            taken.forEach(entry -> entry.getValue().lock.unlock());
        }
    }

    /** The tokens kept in memory, not yet written (for tests and diagnostics). */
    Map<ProjectionCommits.Key, TrackingToken> kept() {
        Map<ProjectionCommits.Key, TrackingToken> kept = new java.util.TreeMap<>(
                java.util.Comparator.comparing(ProjectionCommits.Key::processor)
                        .thenComparingInt(ProjectionCommits.Key::segment));
        held.forEach((key, state) -> {
            TrackingToken token = state.kept;
            if (token != null) {
                kept.put(key, token);
            }
        });
        return kept;
    }

    @Override
    public void initializeTokenSegments(String processorName, int segmentCount) throws UnableToClaimTokenException {
        delegate.initializeTokenSegments(processorName, segmentCount);
    }

    @Override
    public void initializeTokenSegments(String processorName, int segmentCount, TrackingToken initialToken)
            throws UnableToClaimTokenException {
        delegate.initializeTokenSegments(processorName, segmentCount, initialToken);
    }

    @Override
    public void initializeSegment(TrackingToken token, String processorName, int segment) {
        delegate.initializeSegment(token, processorName, segment);
    }

    @Override
    public boolean requiresExplicitSegmentInitialization() {
        return delegate.requiresExplicitSegmentInitialization();
    }

    @Override
    public int[] fetchSegments(String processorName) {
        return delegate.fetchSegments(processorName);
    }

    @Override
    public List<Segment> fetchAvailableSegments(String processorName) {
        return delegate.fetchAvailableSegments(processorName);
    }

    @Override
    public Optional<String> retrieveStorageIdentifier() {
        return delegate.retrieveStorageIdentifier();
    }
}

package dev.careloop.query.asof;

import dev.careloop.api.appointment.AppointmentView;
import dev.careloop.api.record.RecordView;
import dev.careloop.api.referral.ReferralView;
import org.axonframework.eventhandling.DomainEventMessage;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Folds an aggregate's history up to an instant: the events in sequence order up to the first one recorded after
 * it (a prefix of the log, so a clock that stepped back between two events never yields a state that never was). The
 * parties come from the whole history: an organisation that was ever party to the aggregate may look at it. A former
 * party (a recipient that forwarded the referral on, a recipient whose access to the record ended) sees it at most as
 * it was when its part ended: asked about a later instant, the fold stops at the event that ended it
 * ({@code clampedTo}, that event's instant).
 */
final class AsOf {

    /**
     * What an aggregate looked like at one instant ({@code view} null when it did not exist yet); {@code clampedTo}
     * the instant the viewer's part ended when it asked about a later one, else null.
     */
    record State<V>(V view, Set<String> parties, boolean everExisted, Instant clampedTo) {
    }

    /** How much of the history the viewer sees at the instant asked about. */
    private record Cut(int end, Instant clampedTo) {
    }

    private AsOf() {
    }

    /** @param viewer the organisation asking, or null when its view has no bound (the platform's officers) */
    static State<ReferralView> referral(List<? extends DomainEventMessage<?>> history, Instant at, String viewer) {
        ReferralFold whole = new ReferralFold();
        history.forEach(whole::apply);
        Cut cut = cut(history, at, viewer == null ? null : whole.partEndedAt(viewer));
        ReferralFold then = new ReferralFold();
        history.subList(0, cut.end()).forEach(then::apply);
        return new State<>(then.view(), whole.parties(), whole.exists(), cut.clampedTo());
    }

    static State<RecordView> record(List<? extends DomainEventMessage<?>> history, Instant at, String viewer) {
        RecordFold whole = new RecordFold();
        history.forEach(whole::apply);
        Cut cut = cut(history, at, viewer == null ? null : whole.partEndedAt(viewer));
        RecordFold then = new RecordFold();
        history.subList(0, cut.end()).forEach(then::apply);
        return new State<>(then.view(cut.clampedTo() == null ? at : cut.clampedTo()), whole.parties(), whole.exists(),
                cut.clampedTo());
    }

    static State<AppointmentView> appointment(List<? extends DomainEventMessage<?>> history, Instant at,
                                              String viewer) {
        AppointmentFold fold = new AppointmentFold();
        int end = prefix(history, at);
        history.subList(0, end).forEach(fold::apply);
        AppointmentView then = fold.view();
        history.subList(end, history.size()).forEach(fold::apply);
        return new State<>(then, fold.parties(), fold.exists(), null);
    }

    /** The events recorded by {@code at}, but none after the one whose sequence is {@code endedAt} (when not null). */
    private static Cut cut(List<? extends DomainEventMessage<?>> history, Instant at, Long endedAt) {
        int end = prefix(history, at);
        if (endedAt != null) {
            for (int i = 0; i < end; i++) {
                if (history.get(i).getSequenceNumber() == endedAt && i + 1 < end) {
                    return new Cut(i + 1, Instants.stored(history.get(i).getTimestamp()));
                }
            }
        }
        return new Cut(end, null);
    }

    /** Recorded by {@code at}, on the log's own clock or as the trail shows it (to the microsecond). */
    private static boolean recordedBy(Instant timestamp, Instant at) {
        return !timestamp.isAfter(at) || !Instants.stored(timestamp).isAfter(at);
    }

    /** How many of the events had been recorded by {@code at}. */
    private static int prefix(List<? extends DomainEventMessage<?>> history, Instant at) {
        int end = 0;
        while (end < history.size() && recordedBy(history.get(end).getTimestamp(), at)) {
            end++;
        }
        return end;
    }
}

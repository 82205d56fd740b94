package dev.careloop.query.asof;

import dev.careloop.api.appointment.AppointmentView;
import dev.careloop.api.record.RecordAccessExpired;
import dev.careloop.api.record.RecordAccessGranted;
import dev.careloop.api.record.RecordAccessRevoked;
import dev.careloop.api.record.RecordShared;
import dev.careloop.api.record.RecordView;
import dev.careloop.api.referral.ReferralForwarded;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.referral.ReferralView;
import dev.careloop.query.appointment.AppointmentReplay;
import dev.careloop.query.record.RecordReplay;
import dev.careloop.query.referral.ReferralReplay;
import org.axonframework.eventhandling.DomainEventMessage;
import tools.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.List;
import java.util.Set;



/**
 * An aggregate as it was at an instant: its history, in sequence order up to the first event recorded after that
 * instant (a prefix of the log, so a clock that stepped back between two events never yields a state that never was),
 * run through the very projection of its read model, on rows held in memory ({@code *Replay}). The parties come from
 * the whole history: an organisation that was ever party to the aggregate may look at it. A former party (a
 * recipient that forwarded the referral on, a recipient whose access to the record ended) sees it at most as it was
 * when its part ended: asked about a later instant, the replay stops at the event that ended it ({@code clampedTo},
 * that event's instant).
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

    /**
     * Run through the referral's own view projection.
     *
     * @param viewer the organisation asking, or null when its view has no bound (the platform's officers)
     */
    static State<ReferralView> referral(List<? extends DomainEventMessage<?>> history, Instant at, String viewer) {
        if (history.isEmpty()) {
            return new State<>(null, Set.of(), false, null);
        }
        Cut cut = cut(history, at, viewer == null ? null : forwardedAway(history, viewer));
        ReferralReplay replay = new ReferralReplay(history.get(0).getAggregateIdentifier());
        history.subList(0, cut.end()).forEach(replay::apply);
        ReferralView then = replay.view();
        history.subList(cut.end(), history.size()).forEach(replay::apply);
        return new State<>(then, replay.parties(), replay.view() != null, cut.clampedTo());
    }

    /**
     * The sequence of the forward that ended {@code organisation}'s part as a recipient, or null while it has one (or
     * never had): the last forward away from it, unless the referral came back to it since. The initiator's part
     * never ends.
     */
    private static Long forwardedAway(List<? extends DomainEventMessage<?>> history, String organisation) {
        String initiator = null;
        Long ended = null;
        for (DomainEventMessage<?> message : history) {
            if (message.getPayload() instanceof ReferralSent sent && initiator == null) {
                initiator = sent.initiatorOrganisation();
            } else if (message.getPayload() instanceof ReferralForwarded forward) {
                if (organisation.equals(forward.fromOrganisation()) && !organisation.equals(initiator)) {
                    ended = message.getSequenceNumber();
                }
                if (organisation.equals(forward.toOrganisation())) {
                    ended = null;
                }
            }
        }
        return ended;
    }

    /** Run through the record's own projection; seen as its author saw it at the instant (or where the cut ends). */
    static State<RecordView> record(List<? extends DomainEventMessage<?>> history, Instant at, String viewer) {
        if (history.isEmpty()) {
            return new State<>(null, Set.of(), false, null);
        }
        Cut cut = cut(history, at, viewer == null ? null : accessEnded(history, viewer));
        RecordReplay replay = new RecordReplay(history.get(0).getAggregateIdentifier());
        history.subList(0, cut.end()).forEach(replay::apply);
        RecordView then = replay.view(cut.clampedTo() == null ? at : cut.clampedTo());
        history.subList(cut.end(), history.size()).forEach(replay::apply);
        return new State<>(then, replay.parties(), replay.view(at) != null, cut.clampedTo());
    }

    /**
     * The sequence of the event that ended {@code organisation}'s access to the record (revoked, or its open grant
     * expired), or null while it has access (or never had; the author's never ends). A new grant opens it again.
     */
    private static Long accessEnded(List<? extends DomainEventMessage<?>> history, String organisation) {
        String author = null;
        boolean open = false;
        Long ended = null;
        for (DomainEventMessage<?> message : history) {
            Object payload = message.getPayload();
            if (payload instanceof RecordShared shared && author == null) {
                author = shared.authorOrganisation();
                open = shared.recipients().contains(organisation);
            } else if (payload instanceof RecordAccessRevoked revoked && organisation.equals(revoked.organisation())) {
                if (!organisation.equals(author) && ended == null) {
                    ended = message.getSequenceNumber();
                }
                open = false;
            } else if (payload instanceof RecordAccessGranted granted && organisation.equals(granted.organisation())) {
                open = true;
                ended = null;
            } else if (payload instanceof RecordAccessExpired && open) {
                if (ended == null) {
                    ended = message.getSequenceNumber();
                }
                open = false;
            }
        }
        return ended;
    }

    /** Run through the appointment's own view projection: the state after each prefix is what the read model held. */
    static State<AppointmentView> appointment(List<? extends DomainEventMessage<?>> history, Instant at,
                                              ObjectMapper json) {
        if (history.isEmpty()) {
            return new State<>(null, Set.of(), false, null);
        }
        AppointmentReplay replay = new AppointmentReplay(history.get(0).getAggregateIdentifier(), json);
        int end = prefix(history, at);
        history.subList(0, end).forEach(replay::apply);
        AppointmentView then = replay.view();
        history.subList(end, history.size()).forEach(replay::apply);
        AppointmentView whole = replay.view();
        return new State<>(then, whole == null ? Set.of() : Set.copyOf(whole.participants()), whole != null, null);
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

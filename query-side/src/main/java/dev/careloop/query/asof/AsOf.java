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
 * it (a prefix of the log, so a clock that stepped back between two events never yields a state that never was). The parties come from the whole history: an organisation
 * that was ever party to the aggregate may look at any instant of it.
 */
final class AsOf {

    /** What an aggregate looked like at one instant ({@code view} null when it did not exist yet). */
    record State<V>(V view, Set<String> parties, boolean everExisted) {
    }

    private AsOf() {
    }

    static State<ReferralView> referral(List<? extends DomainEventMessage<?>> history, Instant at) {
        ReferralFold fold = new ReferralFold();
        int end = prefix(history, at);
        history.subList(0, end).forEach(fold::apply);
        ReferralView then = fold.view();
        history.subList(end, history.size()).forEach(fold::apply);
        return new State<>(then, fold.parties(), fold.exists());
    }

    static State<RecordView> record(List<? extends DomainEventMessage<?>> history, Instant at) {
        RecordFold fold = new RecordFold();
        int end = prefix(history, at);
        history.subList(0, end).forEach(fold::apply);
        RecordView then = fold.view(at);
        history.subList(end, history.size()).forEach(fold::apply);
        return new State<>(then, fold.parties(), fold.exists());
    }

    static State<AppointmentView> appointment(List<? extends DomainEventMessage<?>> history, Instant at) {
        AppointmentFold fold = new AppointmentFold();
        int end = prefix(history, at);
        history.subList(0, end).forEach(fold::apply);
        AppointmentView then = fold.view();
        history.subList(end, history.size()).forEach(fold::apply);
        return new State<>(then, fold.parties(), fold.exists());
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

package dev.careloop.query.analytics;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.appointment.AppointmentBooked;
import dev.careloop.api.appointment.AppointmentFulfilled;
import dev.careloop.api.appointment.AppointmentProposed;
import dev.careloop.api.appointment.Slot;
import dev.careloop.api.appointment.AppointmentEvent;
import dev.careloop.api.appointment.PatientArrived;
import dev.careloop.api.referral.*;
import dev.careloop.query.ReadModels;
import dev.careloop.query.replay.Column;
import dev.careloop.query.replay.Rows;
import dev.careloop.query.replay.Stores;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * Partnership analytics (docs/ANALYTICS.md): one analytics_referral row per referral with when each step first
 * happened, the analytics_month sums the partnership pages read, and their roll-up per pair and month
 * (analytics_pair_month, the dashboard's). Copies no clinical text and nothing that names
 * the patient. A referral's events are applied once each (guarded by its sequence number); the appointment events
 * only ever set a first time, so a redelivered event changes nothing, and a rebuild writes the same rows.
 */
@Component
@ProcessingGroup(AnalyticsProjection.GROUP)
class AnalyticsProjection {

    static final String GROUP = "analytics";
    private static final Column<AnalyticsReferral> RESEND_KEY = AnalyticsReferral.TABLE.column("resend_key");

    private final Rows<AnalyticsReferral> referrals;
    private final Rows<AnalyticsMonth> months;
    private final Rows<AnalyticsMonth> pairMonths;

    AnalyticsProjection(Stores stores) {
        this.referrals = stores.rows(AnalyticsReferral.TABLE);
        this.months = stores.rows(AnalyticsMonth.TABLE);
        this.pairMonths = stores.rows(AnalyticsMonth.PAIR_TABLE);
    }

    @EventHandler
    void on(ReferralSent e, DomainEventMessage<?> message) {
        if (referrals.find(e.referralId()) != null) {
            return;
        }
        String priority = e.priority() == null ? Priority.ROUTINE.code() : e.priority().code();
        String service = e.service() == null ? "" : e.service();
        String resendKey = AnalyticsReferral.resendKey(e.patientId(), service);
        AnalyticsReferral sent = AnalyticsReferral.sent(e.referralId(), message.getSequenceNumber(),
                e.initiatorOrganisation(), e.recipientOrganisation(), service, priority, message.getTimestamp(),
                e.slaDueAt(), resendKey);
        change(null, sent);
        // Earlier referrals of the patient for the service, declined or cancelled, are re-sent by this one.
        for (AnalyticsReferral earlier : sameRequest(sent)) {
            if (earlier.resentBy(sent.sentAt())) {
                change(earlier, earlier.resent(sent.sentAt()));
            }
        }
    }

    /** A referral declined or cancelled: re-sent already if a later one for the patient and service came in time. */
    private AnalyticsReferral resentSince(AnalyticsReferral ended) {
        AnalyticsReferral r = ended;
        for (AnalyticsReferral other : sameRequest(ended)) {
            if (r.resentBy(other.sentAt())) {
                r = r.resent(other.sentAt());
            }
        }
        return r;
    }

    /** The other referrals of the same patient for the same service (by the one-way key). */
    private java.util.List<AnalyticsReferral> sameRequest(AnalyticsReferral r) {
        if (r.resendKey() == null) {
            return java.util.List.of();
        }
        return referrals.findAll(RESEND_KEY, r.resendKey()).stream()
                .filter(other -> !other.referralId().equals(r.referralId())).toList();
    }

    @EventHandler
    void on(ReferralAccepted e, DomainEventMessage<?> message) {
        apply(e, message, r -> r.accepted(message.getTimestamp()));
    }

    @EventHandler
    void on(ReferralDeclined e, DomainEventMessage<?> message) {
        apply(e, message, r -> resentSince(r.declined(message.getTimestamp(), e.category())));
    }

    @EventHandler
    void on(ReferralForwarded e, DomainEventMessage<?> message) {
        apply(e, message, r -> r.forwardedTo(e.toOrganisation(), e.category()));
    }

    @EventHandler
    void on(InformationRequested e, DomainEventMessage<?> message) {
        apply(e, message, r -> r.onHold(message.getTimestamp()));
    }

    @EventHandler
    void on(InformationProvided e, DomainEventMessage<?> message) {
        apply(e, message, r -> r.resumed(message.getTimestamp()));
    }

    @EventHandler
    void on(VisitRescheduled e, DomainEventMessage<?> message) {
        apply(e, message, AnalyticsReferral::rescheduled);
    }

    @EventHandler
    void on(NoShowRecorded e, DomainEventMessage<?> message) {
        apply(e, message, AnalyticsReferral::noShow);
    }

    @EventHandler
    void on(OutcomeSent e, DomainEventMessage<?> message) {
        apply(e, message, r -> r.outcome(message.getTimestamp()));
    }

    @EventHandler
    void on(OutcomeAcknowledged e, DomainEventMessage<?> message) {
        apply(e, message, r -> r.acknowledged(message.getTimestamp()));
    }

    @EventHandler
    void on(CancellationConfirmed e, DomainEventMessage<?> message) {
        apply(e, message, r -> resentSince(r.cancelled(message.getTimestamp())));
    }

    /** Who asked: the organisation that acted (the sender, the recipient, or neither: CareLoop itself). */
    @EventHandler
    void on(VisitCancelled e, DomainEventMessage<?> message) {
        String by = ReadModels.text(message.getMetaData(), MetadataKeys.ORGANISATION);
        apply(e, message, r -> r.visitCancelledBy(by));
    }

    /** Slots offered or booked: the earliest start is the soonest the patient could be seen. */
    @EventHandler
    void on(VisitScheduled e, DomainEventMessage<?> message) {
        apply(e, message, r -> r.booked(message.getTimestamp())
                .slotOffered(e.appointment() == null ? null : e.appointment().start()));
    }

    @EventHandler
    void on(AppointmentProposed e, EventMessage<?> message) {
        if (e.slots() != null) {
            e.slots().stream().map(Slot::start).filter(java.util.Objects::nonNull).min(Instant::compareTo)
                    .ifPresent(start -> slotOffered(e.referralId(), start));
        }
    }

    @EventHandler
    void on(AppointmentBooked e, EventMessage<?> message) {
        if (e.slot() != null) {
            slotOffered(e.referralId(), e.slot().start());
        }
    }

    private void slotOffered(String referralId, Instant start) {
        if (referralId == null || start == null) {
            return;
        }
        AnalyticsReferral r = referrals.find(referralId);
        if (r != null) {
            change(r, r.slotOffered(start));
        }
    }

    @EventHandler
    void on(ReferralSlaMissed e, DomainEventMessage<?> message) {
        apply(e, message, AnalyticsReferral::slaMissedNow);
    }

    /** Every other referral event only moves the referral's version. */
    @EventHandler
    void on(ReferralEvent e, DomainEventMessage<?> message) {
        apply(e, message, r -> r);
    }

    /** Seen: the first visit of the referral the patient came to (arrived, or the visit took place). */
    @EventHandler
    void on(PatientArrived e, EventMessage<?> message) {
        seen(e, message.getTimestamp());
    }

    @EventHandler
    void on(AppointmentFulfilled e, EventMessage<?> message) {
        seen(e, message.getTimestamp());
    }

    @ResetHandler
    void reset() {
        pairMonths.clear();
        months.clear();
        referrals.clear();
    }

    private void seen(AppointmentEvent e, Instant at) {
        if (e.referralId() == null) {
            return;
        }
        AnalyticsReferral r = referrals.find(e.referralId());
        if (r != null) {
            change(r, r.seen(at));
        }
    }

    /** Applies an event of a known referral once: its version moves, and {@code step} records what it says. */
    private void apply(ReferralEvent e, DomainEventMessage<?> message, UnaryOperator<AnalyticsReferral> step) {
        AnalyticsReferral r = referrals.find(e.referralId());
        if (r == null || r.version() >= message.getSequenceNumber()) {
            return;
        }
        change(r, step.apply(r).at(message.getSequenceNumber()));
    }

    /** The referral's row, and its month's sums: the old contribution out, the new one in. */
    private void change(AnalyticsReferral before, AnalyticsReferral after) {
        if (after.equals(before)) {
            return;
        }
        if (before != null && before.at(after.version()).equals(after)) {
            // Only its version moved: the month's sums stay.
            referrals.put(after);
            return;
        }
        if (before != null) {
            contribute(before, -1);
        }
        contribute(after, 1);
        referrals.put(after);
    }

    /** The referral's month row and its pair's roll-up row, each with the referral's contribution added or taken. */
    private void contribute(AnalyticsReferral r, int sign) {
        AnalyticsMonth.Key key = AnalyticsMonth.keyOf(r);
        AnalyticsMonth month = months.find(key.senderOrg(), key.recipientOrg(), key.service(), key.priority(),
                key.month());
        months.put((month == null ? AnalyticsMonth.empty(key) : month).plus(r, sign));
        AnalyticsMonth.Key pairKey = AnalyticsMonth.pairKeyOf(r);
        AnalyticsMonth pair = pairMonths.find(pairKey.senderOrg(), pairKey.recipientOrg(), pairKey.month());
        pairMonths.put((pair == null ? AnalyticsMonth.empty(pairKey) : pair).plus(r, sign));
    }
}

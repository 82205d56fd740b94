package dev.careloop.query.notification;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.referral.*;
import dev.careloop.query.ReadModels;
import dev.careloop.query.replay.Journal;
import dev.careloop.query.replay.Rows;
import dev.careloop.query.replay.Stores;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * The notification table: who should look at what a referral's event changed (docs/API.md, "Notifications"). The new
 * recipient hears of a referral sent or forwarded to it, the initiator of a question and of the consult report, the
 * recipient of the answer, both of a missed SLA, the other organisation of a visit booked, moved, cancelled or missed,
 * and the person a referral is assigned to of the assignment. A refer-back is told by the new referral's
 * ReferralSent, whose recipient is the original's initiator. Notifications name the referral by number and service,
 * never the patient (they go out by mail). Each event is applied once per referral (guarded by its sequence number),
 * and ids follow from the event, so redelivery and rebuilds write the same rows.
 */
@Component
@ProcessingGroup(NotificationProjection.GROUP)
class NotificationProjection {

    static final String GROUP = "notifications";

    private final Rows<NotificationReferral> referrals;
    private final Journal<NotificationRow> notifications;

    NotificationProjection(Stores stores) {
        this.referrals = stores.rows(NotificationReferral.TABLE);
        this.notifications = stores.journal(NotificationRow.TABLE);
    }

    @EventHandler
    void on(ReferralSent e, DomainEventMessage<?> message) {
        if (referrals.find(e.referralId()) != null) {
            return;
        }
        NotificationReferral r = new NotificationReferral(e.referralId(), e.referralNumber(), e.service(),
                e.initiatorOrganisation(), e.recipientOrganisation(), message.getSequenceNumber());
        referrals.put(r);
        if (e.basedOnReferralId() != null) {
            notify(message, r, r.recipientOrg(), null, NotificationKind.REFERRAL_RECEIVED, "Referral sent back",
                    "Your organisation was referred back " + r.named() + ".");
        } else {
            notify(message, r, r.recipientOrg(), null, NotificationKind.REFERRAL_RECEIVED, "Referral received",
                    capitalised(r.named()) + " was sent to your organisation.");
        }
    }

    @EventHandler
    void on(ReferralForwarded e, DomainEventMessage<?> message) {
        NotificationReferral r = next(e, message);
        if (r == null) {
            return;
        }
        r = r.withRecipient(e.toOrganisation(), message.getSequenceNumber());
        referrals.put(r);
        notify(message, r, r.recipientOrg(), null, NotificationKind.REFERRAL_FORWARDED, "Referral forwarded",
                capitalised(r.named()) + " was forwarded to your organisation.");
    }

    @EventHandler
    void on(InformationRequested e, DomainEventMessage<?> message) {
        apply(e, message, r -> notify(message, r, r.initiatorOrg(), null, NotificationKind.QUESTION_ASKED,
                "Question asked", "The receiving organisation asked a question about " + r.named() + "."));
    }

    @EventHandler
    void on(InformationProvided e, DomainEventMessage<?> message) {
        apply(e, message, r -> notify(message, r, r.recipientOrg(), null, NotificationKind.QUESTION_ANSWERED,
                "Question answered", "The referring organisation answered your question about " + r.named() + "."));
    }

    @EventHandler
    void on(OutcomeSent e, DomainEventMessage<?> message) {
        apply(e, message, r -> notify(message, r, r.initiatorOrg(), null, NotificationKind.OUTCOME_SENT,
                "Consult report sent", "The consult report for " + r.named() + " was sent."));
    }

    @EventHandler
    void on(InterimNoteSent e, DomainEventMessage<?> message) {
        apply(e, message, r -> notify(message, r, r.initiatorOrg(), null, NotificationKind.OUTCOME_SENT,
                "Interim consult note sent", "An interim consult note for " + r.named() + " was sent."));
    }

    @EventHandler
    void on(ReferralSlaMissed e, DomainEventMessage<?> message) {
        apply(e, message, r -> {
            notify(message, r, r.recipientOrg(), null, NotificationKind.SLA_MISSED, "Referral overdue",
                    capitalised(r.named()) + " was not triaged by its due time.");
            // The initiator waits on it: told too, unless it referred to itself.
            if (!r.initiatorOrg().equals(r.recipientOrg())) {
                notify(message, r, r.initiatorOrg(), null, NotificationKind.SLA_MISSED, "Referral overdue",
                        "The receiving organisation did not triage " + r.named() + " by its due time.");
            }
        });
    }

    @EventHandler
    void on(VisitScheduled e, DomainEventMessage<?> message) {
        visit(e, message, "Visit booked", name -> "The visit for " + name + " was booked for " + start(e.appointment()) + ".");
    }

    @EventHandler
    void on(VisitRescheduled e, DomainEventMessage<?> message) {
        visit(e, message, "Visit moved", name -> "The visit for " + name + " was moved to " + start(e.appointment()) + ".");
    }

    @EventHandler
    void on(VisitCancelled e, DomainEventMessage<?> message) {
        visit(e, message, "Visit cancelled", name -> "The visit for " + name + " was cancelled.");
    }

    @EventHandler
    void on(NoShowRecorded e, DomainEventMessage<?> message) {
        visit(e, message, "Visit missed", name -> "The patient did not attend the visit for " + name + ".");
    }

    @EventHandler
    void on(ReferralAssigned e, DomainEventMessage<?> message) {
        apply(e, message, r -> notify(message, r, r.recipientOrg(), e.assignee(), NotificationKind.ASSIGNED,
                "Referral assigned to you", capitalised(r.named()) + " was assigned to you."));
    }

    /** Every other referral event only moves the referral's version. */
    @EventHandler
    void on(ReferralEvent e, DomainEventMessage<?> message) {
        apply(e, message, r -> {
        });
    }

    @ResetHandler
    void reset() {
        notifications.clear();
        referrals.clear();
    }

    /** The visit events: the organisation that did not act hears of it (the initiator when no one acted). */
    private void visit(ReferralEvent e, DomainEventMessage<?> message, String title, UnaryOperator<String> text) {
        apply(e, message, r -> {
            String actorOrg = ReadModels.text(message.getMetaData(), MetadataKeys.ORGANISATION);
            String other = r.initiatorOrg().equals(actorOrg) ? r.recipientOrg() : r.initiatorOrg();
            notify(message, r, other, null, NotificationKind.APPOINTMENT_CHANGED, title,
                    text.apply(r.named()));
        });
    }

    private static String start(Appointment appointment) {
        Instant start = appointment == null ? null : appointment.start();
        return start == null ? "a time to be confirmed" : start.toString();
    }

    private interface Change {
        void apply(NotificationReferral referral);
    }

    /** Applies an event of a known referral once: its version moves, then {@code change} writes what it says. */
    private void apply(ReferralEvent e, DomainEventMessage<?> message, Change change) {
        NotificationReferral r = next(e, message);
        if (r == null) {
            return;
        }
        r = r.at(message.getSequenceNumber());
        referrals.put(r);
        change.apply(r);
    }

    /** The referral as it was before this event, or null when it is unknown or the event was applied already. */
    private NotificationReferral next(ReferralEvent e, DomainEventMessage<?> message) {
        NotificationReferral r = referrals.find(e.referralId());
        return r == null || r.version() >= message.getSequenceNumber() ? null : r;
    }

    private void notify(DomainEventMessage<?> message, NotificationReferral r, String organisation, String person,
                        NotificationKind kind, String title, String text) {
        String actor = ReadModels.text(message.getMetaData(), MetadataKeys.USER);
        if (person != null && person.equals(actor)) {
            // Who assigned a referral to themselves knows it.
            return;
        }
        notifications.add(new NotificationRow(NotificationRow.idOf(message.getIdentifier(), organisation, person),
                message.getIdentifier(), r.referralId(), organisation, person, actor, kind.code, title, text,
                message.getTimestamp()));
    }

    private static String capitalised(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}

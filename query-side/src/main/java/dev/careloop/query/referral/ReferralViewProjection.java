package dev.careloop.query.referral;

import dev.careloop.api.privacy.PatientErased;
import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.referral.*;
import dev.careloop.query.privacy.PatientScrub;
import dev.careloop.query.replay.Rows;
import dev.careloop.query.replay.Stores;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.stereotype.Component;

import java.util.function.Consumer;

/**
 * The referral_view table: one row per referral, as its participants see it. Each change is guarded by the
 * row's version, so replaying or redelivering an event changes nothing.
 *
 * <p>The same handlers run twice in a process that runs both sides: in the tracking processor {@value #GROUP}, the
 * source of truth, and {@link #inline inline} in each command's own transaction ({@link ReferralInlineProjection}),
 * where an event is applied only to the row exactly one version behind it. Inline, a row behind by more (an earlier
 * event whose inline write failed, a table a rebuild has just switched in) is left for the tracking processor, which
 * applies the missing events in order: applying the newer one on top would lose the older one's change for good,
 * since the version guard then makes the tracking processor skip it.
 */
@Component
@ProcessingGroup(ReferralViewProjection.GROUP)
class ReferralViewProjection implements PatientScrub {

    static final String GROUP = "referrals";

    private final Rows<ReferralRow> views;
    /** Inline: apply an event only to the row at the version just before it (see the class comment). */
    private boolean nextVersionOnly;

    ReferralViewProjection(Stores stores) {
        this.views = stores.rows(ReferralRow.TABLE);
    }

    /** The view as it runs in a command's own transaction: only the next version of a row, never a jump. */
    static ReferralViewProjection inline(Stores stores) {
        ReferralViewProjection inline = new ReferralViewProjection(stores);
        inline.nextVersionOnly = true;
        return inline;
    }

    /** Whether an event at {@code version} moves a row at {@code rowVersion}. */
    private boolean moves(long rowVersion, long version) {
        return nextVersionOnly ? rowVersion == version - 1 : rowVersion < version;
    }

    @EventHandler
    void on(ReferralSent e, DomainEventMessage<?> message) {
        if (views.find(e.referralId()) != null) {
            return;
        }
        ReferralRow r = new ReferralRow();
        r.referralId = e.referralId();
        r.referralNumber = e.referralNumber();
        r.identifierSystem = e.identifierSystem();
        r.initiatorOrg = e.initiatorOrganisation();
        r.recipientOrg = e.recipientOrganisation();
        r.participants.add(e.initiatorOrganisation());
        r.participants.add(e.recipientOrganisation());
        r.patient = e.patient();
        r.priority = e.priority().code();
        r.priorityRank = e.priority().ordinal();
        r.service = e.service();
        r.reason = e.reason();
        r.status = e.status().code();
        r.slaDueAt = e.slaDueAt();
        r.basedOnReferralId = e.basedOnReferralId();
        r.createdAt = message.getTimestamp();
        r.updatedAt = message.getTimestamp();
        r.version = version(message);
        views.put(r);
    }

    @EventHandler
    void on(ReferralForwarded e, DomainEventMessage<?> message) {
        update(e, message, r -> {
            r.recipientOrg = e.toOrganisation();
            if (!r.participants.contains(e.toOrganisation())) {
                r.participants.add(e.toOrganisation());
            }
            // The new recipient's staff take it from here.
            r.assignee = null;
            r.assigneeName = null;
        });
    }

    @EventHandler
    void on(InformationRequested e, DomainEventMessage<?> message) {
        update(e, message, r -> r.openQuestion = e.question());
    }

    @EventHandler
    void on(InformationProvided e, DomainEventMessage<?> message) {
        update(e, message, null);
    }

    @EventHandler
    void on(VisitScheduled e, DomainEventMessage<?> message) {
        booked(e, message, e.appointmentId(), e.appointment());
    }

    @EventHandler
    void on(VisitRescheduled e, DomainEventMessage<?> message) {
        booked(e, message, e.appointmentId(), e.appointment());
    }

    @EventHandler
    void on(NoShowRecorded e, DomainEventMessage<?> message) {
        update(e, message, r -> r.visit = "missed");
    }

    @EventHandler
    void on(ReferralAssigned e, DomainEventMessage<?> message) {
        update(e, message, r -> {
            r.assignee = e.assignee();
            r.assigneeName = e.assigneeName();
        });
    }

    @EventHandler
    void on(ReferralUnassigned e, DomainEventMessage<?> message) {
        update(e, message, r -> {
            r.assignee = null;
            r.assigneeName = null;
        });
    }

    @EventHandler
    void on(VisitCancelled e, DomainEventMessage<?> message) {
        update(e, message, ReferralViewProjection::clearVisit);
    }

    private static void clearVisit(ReferralRow r) {
        r.visit = "cancelled";
        r.appointmentId = null;
        r.appointmentStart = null;
        r.appointmentEnd = null;
        r.appointmentLocation = null;
    }

    @EventHandler
    void on(ReferralDeclined e, DomainEventMessage<?> message) {
        update(e, message, r -> r.declineReason = e.reason());
    }

    @EventHandler
    void on(InterimNoteSent e, DomainEventMessage<?> message) {
        update(e, message, e.note() == null ? null : r -> r.interimNotes.add(e.note()));
    }

    /**
     * The consult report closes the visit (ReferralVisitSaga): one still ahead is cancelled without a word back to
     * the referral, so the view drops it here, by the appointment's own rule (CloseAppointmentForReferral: a
     * booked visit that had not begun when the report was sent).
     */
    @EventHandler
    void on(OutcomeSent e, DomainEventMessage<?> message) {
        update(e, message, r -> {
            r.consultReport = e.report();
            if ("booked".equals(r.visit) && r.appointmentStart != null
                    && r.appointmentStart.isAfter(message.getTimestamp())) {
                clearVisit(r);
            }
        });
    }

    @EventHandler
    void on(OutcomeAcknowledged e, DomainEventMessage<?> message) {
        update(e, message, r -> r.loopClosed = true);
    }

    @EventHandler
    void on(ReferralSlaMissed e, DomainEventMessage<?> message) {
        update(e, message, r -> r.overdue = true);
    }

    @EventHandler
    void on(RecordAttached e, DomainEventMessage<?> message) {
        update(e, message, r -> r.recordIds.add(e.recordId()));
    }

    /** Accepted, no-show, cancellation, refer-back: only the status moves. */
    @EventHandler
    void on(ReferralEvent e, DomainEventMessage<?> message) {
        update(e, message, null);
    }

    /**
     * The referral's patient is named by the keyed id from now on. Its version moves (the event is the referral's
     * own, so If-Match follows the aggregate); its status and time do not: nothing happened to the referral.
     */
    @EventHandler
    void on(PatientRekeyed e, DomainEventMessage<?> message) {
        ReferralRow r = views.find(e.aggregateId());
        long version = version(message);
        if (r == null || !moves(r.version, version) || !e.aggregateId().equals(message.getAggregateIdentifier())) {
            return;
        }
        r.patient = e.applyTo(r.patient);
        r.version = version;
        views.put(r);
    }

    /** After every earlier event of this group: no copy of the erased identity outlives the erasure here. */
    @EventHandler
    void on(PatientErased e) {
        scrub(e.patientId());
    }

    @Override
    public int scrub(String patientId) {
        return PatientScrub.eraseFrom(views, ReferralRow.PATIENT_ID, patientId);
    }

    @ResetHandler
    void reset() {
        views.clear();
    }

    private void booked(ReferralEvent e, DomainEventMessage<?> message, String appointmentId, Appointment a) {
        update(e, message, r -> {
            r.visit = "booked";
            r.appointmentId = appointmentId;
            r.appointmentStart = a.start();
            r.appointmentEnd = a.end();
            r.appointmentLocation = a.location();
        });
    }

    /** The status, time and version move with every event the row has not seen; {@code change} does the rest. */
    private void update(ReferralEvent e, DomainEventMessage<?> message, Consumer<ReferralRow> change) {
        ReferralRow r = views.find(e.referralId());
        long version = version(message);
        if (r == null || !moves(r.version, version)) {
            return;
        }
        r.status = e.status().code();
        r.updatedAt = message.getTimestamp();
        r.version = version;
        // A question is open only while the referral is on hold for it: declining or cancelling closes it.
        if (e.status() != ReferralStatus.INFORMATION_REQUESTED) {
            r.openQuestion = null;
        }
        if (change != null) {
            change.accept(r);
        }
        views.put(r);
    }

    private static long version(DomainEventMessage<?> message) {
        return message.getSequenceNumber() + 1;
    }
}

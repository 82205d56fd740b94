package dev.careloop.command.referral;

import dev.careloop.api.Patient;
import dev.careloop.api.Actor;
import dev.careloop.api.MetadataKeys;
import dev.careloop.api.record.DocumentType;
import dev.careloop.command.rules.Refusal;
import dev.careloop.command.rules.Rules;
import dev.careloop.api.referral.*;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.modelling.command.AggregateScopeDescriptor;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A two-way referral between two organisations. Each handler checks the command against the transition
 * table (and the few rules the table cannot express), then applies one event; state changes only in the
 * event sourcing handlers. Handlers return the referral's new version (its number of events).
 */
@Aggregate(cache = "referralCache")
public class Referral {

    static final String SLA_DEADLINE = "referral-sla";

    @AggregateIdentifier
    private String referralId;
    private String initiator;
    private String recipient;
    private final Set<String> participants = new HashSet<>();
    private Patient patient;
    private ReferralStatus status;
    private ReferralStatus beforeHold;
    private Appointment appointment;
    private String appointmentId;
    private boolean appointmentActive;
    private boolean loopClosed;
    private boolean slaPending;
    private Instant slaDueAt;
    private final Set<String> attachedRecords = new HashSet<>();

    protected Referral() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    long handle(SendReferral cmd, Actor actor, DeadlineManager deadlines) {
        Rules.require(!actor.organisation().equals(cmd.recipientOrganisation()),
                "recipientOrganisation", "a clinic cannot refer to itself");
        ReferralTransitions.decide(Trigger.SEND, actor, null, actor.organisation(), cmd.recipientOrganisation());
        apply(new ReferralSent(cmd.referralId(), cmd.referralNumber(),
                ReferralIdentifiers.systemFor(actor.organisation()), actor.organisation(), cmd.recipientOrganisation(),
                cmd.patient(), cmd.priority(), cmd.service(), cmd.reason(), cmd.note(), cmd.slaDueAt(), null,
                ReferralStatus.CREATED));
        deadlines.schedule(cmd.slaDueAt(), SLA_DEADLINE);
        return 1;
    }

    /** A refer-back: opened by the original's command handler, never by a client directly. */
    Referral(ReferralSent sent, DeadlineManager deadlines) {
        apply(sent);
        // Named explicitly: while this constructor runs, the current scope is still the original referral.
        deadlines.schedule(sent.slaDueAt(), SLA_DEADLINE, null,
                new AggregateScopeDescriptor(Referral.class.getSimpleName(), sent.referralId()));
    }

    @CommandHandler
    long handle(AcceptReferral cmd, Actor actor, DeadlineManager deadlines,
                @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.ACCEPT, actor, expected);
        apply(new ReferralAccepted(referralId, t.to()));
        endSla(deadlines);
        return version();
    }

    @CommandHandler
    long handle(DeclineReferral cmd, Actor actor, DeadlineManager deadlines,
                @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.DECLINE, actor, expected);
        apply(new ReferralDeclined(referralId, cmd.reason(), t.to()));
        endSla(deadlines);
        return version();
    }

    @CommandHandler
    long handle(ForwardReferral cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.FORWARD, actor, expected);
        Rules.require(!cmd.toOrganisation().equals(recipient), "toOrganisation",
                "the referral is already with " + recipient);
        Rules.require(!cmd.toOrganisation().equals(initiator), "toOrganisation",
                "a referral cannot be forwarded back to the organisation that sent it; refer back instead");
        apply(new ReferralForwarded(referralId, recipient, cmd.toOrganisation(), cmd.reason(), t.to()));
        return version();
    }

    @CommandHandler
    long handle(RequestInformation cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.REQUEST_INFORMATION, actor, expected);
        apply(new InformationRequested(referralId, cmd.question(), t.to()));
        return version();
    }

    @CommandHandler
    long handle(ProvideInformation cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.PROVIDE_INFORMATION, actor, expected);
        apply(new InformationProvided(referralId, cmd.answer(), t.target(status, beforeHold)));
        return version();
    }

    @CommandHandler
    long handle(ScheduleVisit cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.SCHEDULE, actor, expected);
        Rules.conflictUnless(!appointmentActive, "an appointment is already booked; reschedule it instead");
        apply(new VisitScheduled(referralId, cmd.appointmentId(), cmd.appointment(), t.to()));
        return version();
    }

    @CommandHandler
    long handle(RescheduleVisit cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.RESCHEDULE, actor, expected);
        Rules.conflictUnless(appointment != null, "there is no appointment to reschedule; schedule one instead");
        apply(new VisitRescheduled(referralId, appointmentId, cmd.appointment(), cmd.reason(), t.to()));
        return version();
    }

    @CommandHandler
    long handle(RecordNoShow cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.RECORD_NO_SHOW, actor, expected);
        apply(new NoShowRecorded(referralId, appointmentId, t.to()));
        return version();
    }

    @CommandHandler
    long handle(CancelVisit cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.CANCEL_APPOINTMENT, actor, expected);
        Rules.conflictUnless(appointmentActive, "there is no booked appointment to cancel");
        apply(new VisitCancelled(referralId, appointmentId, cmd.reason(), t.to()));
        return version();
    }

    @CommandHandler
    long handle(SendInterimNote cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.SEND_INTERIM_NOTE, actor, expected);
        requireAttached(cmd.recordIds());
        apply(new InterimNoteSent(referralId, cmd.note(), t.to(), cmd.recordIds()));
        return version();
    }

    @CommandHandler
    long handle(RequestCancellation cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.REQUEST_CANCELLATION, actor, expected);
        apply(new CancellationRequested(referralId, cmd.reason(), t.to()));
        return version();
    }

    @CommandHandler
    long handle(ConfirmCancellation cmd, Actor actor, DeadlineManager deadlines,
                @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.CONFIRM_CANCELLATION, actor, expected);
        apply(new CancellationConfirmed(referralId, t.to()));
        endSla(deadlines);
        return version();
    }

    @CommandHandler
    long handle(SendOutcome cmd, Actor actor, DeadlineManager deadlines,
                @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.SEND_OUTCOME, actor, expected);
        requireAttached(cmd.recordIds());
        apply(new OutcomeSent(referralId, cmd.report(), t.to(), cmd.recordIds()));
        endSla(deadlines);
        return version();
    }

    @CommandHandler
    long handle(AcknowledgeOutcome cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.ACKNOWLEDGE_OUTCOME, actor, expected);
        Rules.conflictUnless(!loopClosed, "the outcome was already acknowledged; the loop is closed");
        apply(new OutcomeAcknowledged(referralId, t.to()));
        return version();
    }

    @CommandHandler
    long handle(ReferBack cmd, Actor actor, DeadlineManager deadlines,
                @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) throws Exception {
        var t = decide(Trigger.REFER_BACK, actor, expected);
        apply(new ReferredBack(referralId, cmd.newReferralId(), t.target(status, beforeHold)));
        ReferralSent back = new ReferralSent(cmd.newReferralId(), cmd.referralNumber(),
                ReferralIdentifiers.systemFor(recipient), recipient, initiator, patient, cmd.priority(),
                cmd.service(), cmd.reason(), cmd.note(), cmd.slaDueAt(), referralId, ReferralStatus.CREATED);
        AggregateLifecycle.createNew(Referral.class, () -> new Referral(back, deadlines));
        return version();
    }

    /** Who else gets a record attached to this referral, and which patient it must be about. */
    public record Attachment(String counterpart, Patient patient) {
    }

    /**
     * Records that a shared record belongs to this referral. Called by the record side's share handler in the
     * same unit of work that creates the record, so the referral's log and the record agree.
     */
    public Attachment attachRecord(Actor actor, String recordId, String title, DocumentType documentType,
                                   Patient about) {
        if (!participants.contains(actor.organisation())) {
            throw Refusal.notFound("referral");
        }
        if (!actor.actsFor(initiator) && !actor.actsFor(recipient)) {
            throw new Refusal(Refusal.Kind.FORBIDDEN,
                    "only the referring or receiving organisation can attach records to a referral");
        }
        Rules.require(about == null || about.patientId().equals(patient.patientId()), "patient",
                "the referral is about another patient");
        Rules.conflictUnless(status != ReferralStatus.DECLINED && status != ReferralStatus.CANCELLED,
                "a referral that is " + status.phrase() + " cannot have records attached");
        apply(new RecordAttached(referralId, recordId, title, documentType, status));
        return new Attachment(actor.actsFor(initiator) ? recipient : initiator, patient);
    }

    private void requireAttached(List<String> recordIds) {
        for (String recordId : recordIds) {
            Rules.require(attachedRecords.contains(recordId), "recordIds",
                    "record " + recordId + " is not attached to this referral; share it with the referral first");
        }
    }

    @DeadlineHandler(deadlineName = SLA_DEADLINE)
    void slaDue() {
        if (slaPending) {
            apply(new ReferralSlaMissed(referralId, slaDueAt, status));
        }
    }

    private ReferralTransitions.Transition decide(Trigger trigger, Actor actor, Long expectedVersion) {
        if (!participants.contains(actor.organisation())) {
            throw Refusal.notFound("referral");
        }
        Rules.requireVersion("referral", expectedVersion, version());
        return ReferralTransitions.decide(trigger, actor, status, initiator, recipient);
    }

    /** Called after apply(), which has already cleared slaPending; cancelling nothing is harmless. */
    private void endSla(DeadlineManager deadlines) {
        deadlines.cancelAllWithinScope(SLA_DEADLINE);
    }

    /** The number of events the referral has, as HTTP ETag and If-Match use it. */
    private static long version() {
        Long sequence = AggregateLifecycle.getVersion();
        return sequence == null ? 0 : sequence + 1;
    }

    @EventSourcingHandler
    void on(ReferralSent e) {
        referralId = e.referralId();
        initiator = e.initiatorOrganisation();
        recipient = e.recipientOrganisation();
        participants.add(initiator);
        participants.add(recipient);
        patient = e.patient();
        status = e.status();
        slaPending = true;
        slaDueAt = e.slaDueAt();
    }

    @EventSourcingHandler
    void on(ReferralAccepted e) {
        status = e.status();
        slaPending = false;
    }

    @EventSourcingHandler
    void on(ReferralDeclined e) {
        status = e.status();
        slaPending = false;
    }

    @EventSourcingHandler
    void on(ReferralForwarded e) {
        recipient = e.toOrganisation();
        participants.add(recipient);
        status = e.status();
    }

    @EventSourcingHandler
    void on(InformationRequested e) {
        beforeHold = status;
        status = e.status();
    }

    @EventSourcingHandler
    void on(InformationProvided e) {
        beforeHold = null;
        status = e.status();
    }

    @EventSourcingHandler
    void on(VisitScheduled e) {
        appointment = e.appointment();
        appointmentId = e.appointmentId();
        appointmentActive = true;
        status = e.status();
    }

    @EventSourcingHandler
    void on(VisitRescheduled e) {
        appointment = e.appointment();
        appointmentActive = true;
        status = e.status();
    }

    @EventSourcingHandler
    void on(NoShowRecorded e) {
        status = e.status();
    }

    @EventSourcingHandler
    void on(VisitCancelled e) {
        appointmentActive = false;
        status = e.status();
    }

    @EventSourcingHandler
    void on(InterimNoteSent e) {
        status = e.status();
    }

    @EventSourcingHandler
    void on(CancellationRequested e) {
        status = e.status();
    }

    @EventSourcingHandler
    void on(CancellationConfirmed e) {
        status = e.status();
        slaPending = false;
    }

    @EventSourcingHandler
    void on(OutcomeSent e) {
        status = e.status();
        slaPending = false;
    }

    @EventSourcingHandler
    void on(OutcomeAcknowledged e) {
        loopClosed = true;
        status = e.status();
    }

    @EventSourcingHandler
    void on(ReferredBack e) {
        status = e.status();
    }

    @EventSourcingHandler
    void on(ReferralSlaMissed e) {
        slaPending = false;
    }

    @EventSourcingHandler
    void on(RecordAttached e) {
        attachedRecords.add(e.recordId());
    }

}

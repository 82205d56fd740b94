package dev.careloop.command.referral;

import dev.careloop.api.Patient;
import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.Actor;
import dev.careloop.api.MetadataKeys;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
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
    private String appointmentId;
    /** The referral's appointment is booked (not yet missed or cancelled). */
    private boolean appointmentBooked;
    /** The patient missed the booked visit and it has not been rebooked yet. */
    private boolean appointmentMissed;
    /** Every appointment the referral has followed, with the last version it followed. */
    private final Map<String, Long> followedAppointments = new HashMap<>();
    private boolean loopClosed;
    private boolean slaPending;
    private Instant slaDueAt;
    private final Set<String> attachedRecords = new HashSet<>();
    /** Who the referral is assigned to at the receiving organisation (a subject), and their name. */
    private String assignee;
    private String assigneeName;

    protected Referral() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    long handle(SendReferral cmd, Actor actor, DeadlineManager deadlines) {
        Rules.require(!actor.organisation().equals(cmd.recipientOrganisation()),
                "recipientOrganisation", "a clinic cannot refer to itself");
        ReferralTransitions.decide(Trigger.SEND, actor, null, actor.organisation(), cmd.recipientOrganisation());
        // The sender's own numbering is kept as its EHR sent it; CareLoop's system of the sender otherwise.
        String system = cmd.identifierSystem() != null ? cmd.identifierSystem()
                : ReferralIdentifiers.systemFor(actor.organisation());
        Rules.require(!system.startsWith(ReferralIdentifiers.systemFor(""))
                        || system.equals(ReferralIdentifiers.systemFor(actor.organisation())),
                "identifierSystem", "a clinic numbers its referrals in its own system, not another organisation's");
        apply(new ReferralSent(cmd.referralId(), cmd.referralNumber(),
                system, actor.organisation(), cmd.recipientOrganisation(),
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
        requireCategory(cmd.category());
        apply(new ReferralDeclined(referralId, patientId(), cmd.reason(), t.to(), cmd.category()));
        endSla(deadlines);
        return version();
    }

    /**
     * Hands the referral on. Sent by the forward's handler (ReferralForwarding), which then moves the access to the
     * attached records in the same transaction: the referral's documents travel with it.
     */
    @CommandHandler
    HandReferralOn.HandedOn handle(HandReferralOn cmd, Actor actor,
                                   @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.FORWARD, actor, expected);
        Rules.require(!cmd.toOrganisation().equals(recipient), "toOrganisation",
                "the referral is already with " + recipient);
        Rules.require(!cmd.toOrganisation().equals(initiator), "toOrganisation",
                "a referral cannot be forwarded back to the organisation that sent it; refer back instead");
        requireCategory(cmd.category());
        String from = recipient;
        apply(new ReferralForwarded(referralId, patientId(), recipient, cmd.toOrganisation(), cmd.reason(), t.to(),
                cmd.category()));
        return new HandReferralOn.HandedOn(version(), from, cmd.toOrganisation(),
                attachedRecords.stream().sorted().toList());
    }

    @CommandHandler
    long handle(RequestInformation cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.REQUEST_INFORMATION, actor, expected);
        apply(new InformationRequested(referralId, patientId(), cmd.question(), t.to()));
        return version();
    }

    @CommandHandler
    long handle(ProvideInformation cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.PROVIDE_INFORMATION, actor, expected);
        apply(new InformationProvided(referralId, patientId(), cmd.answer(), t.target(status, beforeHold)));
        return version();
    }

    @CommandHandler
    long handle(SendInterimNote cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.SEND_INTERIM_NOTE, actor, expected);
        requireAttached(cmd.recordIds());
        apply(new InterimNoteSent(referralId, patientId(), cmd.note(), t.to(), cmd.recordIds()));
        return version();
    }

    @CommandHandler
    long handle(RequestCancellation cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.REQUEST_CANCELLATION, actor, expected);
        apply(new CancellationRequested(referralId, patientId(), cmd.reason(), t.to()));
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
        apply(new OutcomeSent(referralId, patientId(), cmd.report(), t.to(), cmd.recordIds()));
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

    @CommandHandler
    long handle(AssignReferral cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.ASSIGN, actor, expected);
        Rules.conflictUnless(!cmd.assignee().equals(assignee),
                "the referral is already assigned to " + assigneeName);
        apply(new ReferralAssigned(referralId, cmd.assignee(), cmd.assigneeName(), t.target(status, beforeHold)));
        return version();
    }

    @CommandHandler
    long handle(UnassignReferral cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        var t = decide(Trigger.UNASSIGN, actor, expected);
        Rules.conflictUnless(assignee != null, "the referral is not assigned to anyone");
        apply(new ReferralUnassigned(referralId, assignee, assigneeName, t.target(status, beforeHold)));
        return version();
    }

    /**
     * Checks that the sender may take a visit action on this referral now, exactly as the referral's own actions
     * are checked (404, 403, stale If-Match, 409). Applies nothing: the appointment's events, followed by the
     * process manager, move the referral.
     */
    @CommandHandler
    PlanVisit.Visit handle(PlanVisit cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        decide(switch (cmd.action()) {
            case SCHEDULE -> Trigger.SCHEDULE;
            case RESCHEDULE -> Trigger.RESCHEDULE;
            case NO_SHOW -> Trigger.RECORD_NO_SHOW;
            case CANCEL -> Trigger.CANCEL_APPOINTMENT;
        }, actor, expected);
        switch (cmd.action()) {
            case SCHEDULE -> {
                Rules.conflictUnless(!appointmentBooked, "an appointment is already booked; reschedule it instead");
                Rules.conflictUnless(!appointmentMissed,
                        "the patient missed the booked appointment; reschedule it instead");
            }
            case RESCHEDULE -> Rules.conflictUnless(appointmentId != null,
                    "there is no appointment to reschedule; schedule one instead");
            case NO_SHOW -> Rules.conflictUnless(appointmentBooked, "there is no booked appointment to miss");
            case CANCEL -> Rules.conflictUnless(appointmentBooked, appointmentMissed
                    ? "the patient did not attend the booked appointment, so there is none left to cancel; "
                    + "reschedule to book a new one"
                    : "there is no booked appointment to cancel");
        }
        return new PlanVisit.Visit(referralId, patient, initiator, recipient, appointmentId, appointmentBooked,
                version() + 1);
    }

    /**
     * The referral's appointment changed. Whoever acted was checked by the appointment; here only the referral's
     * own table decides whether its business status moves. A booking the referral cannot take (it moved on, or
     * already has another appointment) is refused, and the process manager cancels that appointment. A change
     * to the referral's current appointment is always recorded; the status follows where the table allows.
     * Never throws: a refusal inside the process manager's transaction would roll back more than this command.
     */
    @CommandHandler
    FollowAppointment.Outcome handle(FollowAppointment cmd) {
        boolean current = cmd.appointmentId().equals(appointmentId);
        if (cmd.appointmentVersion() <= followedAppointments.getOrDefault(cmd.appointmentId(), 0L)) {
            return FollowAppointment.Outcome.alreadyFollowed();
        }
        if (cmd.change() == FollowAppointment.Change.BOOKED) {
            if (appointmentBooked && !current) {
                return FollowAppointment.Outcome.refused("the referral already has appointment " + appointmentId);
            }
            if (!ReferralTransitions.allows(Trigger.SCHEDULE, status)) {
                return FollowAppointment.Outcome.refused(
                        "a referral that is " + status.phrase() + " cannot " + Trigger.SCHEDULE.refused());
            }
            apply(new VisitScheduled(referralId, cmd.appointmentId(), cmd.appointmentVersion(), cmd.appointment(),
                    ReferralStatus.SCHEDULED));
            return FollowAppointment.Outcome.followed();
        }
        if (!current) {
            return FollowAppointment.Outcome.refused("appointment " + cmd.appointmentId()
                    + " is not the referral's current appointment");
        }
        switch (cmd.change()) {
            case RESCHEDULED -> apply(new VisitRescheduled(referralId, patientId(), appointmentId,
                    cmd.appointmentVersion(), cmd.appointment(), cmd.reason(), follow(Trigger.RESCHEDULE)));
            case NO_SHOW -> apply(new NoShowRecorded(referralId, appointmentId, cmd.appointmentVersion(),
                    follow(Trigger.RECORD_NO_SHOW)));
            case CANCELLED -> apply(new VisitCancelled(referralId, patientId(), appointmentId, cmd.appointmentVersion(),
                    cmd.reason(), follow(Trigger.CANCEL_APPOINTMENT)));
            default -> throw new IllegalStateException("unhandled change " + cmd.change());
        }
        return FollowAppointment.Outcome.followed();
    }

    /** The status the referral moves to when its appointment changes: the table's, else where it is. */
    private ReferralStatus follow(Trigger trigger) {
        return ReferralTransitions.allows(trigger, status) ? ReferralTransitions.target(trigger) : status;
    }

    /**
     * Records that a shared record belongs to this referral. Sent by the record side's share handler before it
     * creates the record, in the same transaction, so a refused attachment shares nothing.
     */
    @CommandHandler
    AttachRecord.Attachment handle(AttachRecord cmd, Actor actor) {
        if (!participants.contains(actor.organisation())) {
            throw Refusal.notFound("referral");
        }
        if (!actor.actsFor(initiator) && !actor.actsFor(recipient)) {
            throw new Refusal(Refusal.Kind.FORBIDDEN,
                    "only the referring or receiving organisation can attach records to a referral");
        }
        Rules.require(cmd.patient() == null || cmd.patient().patientId().equals(patient.patientId()), "patient",
                "the referral is about another patient");
        Rules.conflictUnless(status != ReferralStatus.DECLINED && status != ReferralStatus.CANCELLED,
                "a referral that is " + status.phrase() + " cannot have records attached");
        apply(new RecordAttached(referralId, patientId(), cmd.recordId(), cmd.title(), cmd.documentType(), status));
        return new AttachRecord.Attachment(actor.actsFor(initiator) ? recipient : initiator, patient);
    }

    private void requireAttached(List<String> recordIds) {
        for (String recordId : recordIds) {
            Rules.require(attachedRecords.contains(recordId), "recordIds",
                    "record " + recordId + " is not attached to this referral; share it with the referral first");
        }
    }

    /**
     * The patient-id migration: from now on the referral names its patient by the keyed id. Answers whether it
     * changed anything; a referral already re-keyed (a second run, another node) appends nothing.
     */
    @CommandHandler
    boolean handle(RekeyReferralPatient cmd) {
        if (patient == null || !patient.patientId().equals(cmd.oldPatientId())) {
            return false;
        }
        apply(new PatientRekeyed(referralId, cmd.oldPatientId(), cmd.newPatientId()));
        return true;
    }

    @DeadlineHandler(deadlineName = SLA_DEADLINE)
    void slaDue() {
        if (slaPending) {
            apply(new ReferralSlaMissed(referralId, slaDueAt, status));
        }
    }

    private ReferralStateMachine.Transition decide(Trigger trigger, Actor actor, Long expectedVersion) {
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

    /** The patient whose key seals the clinical text of this referral's events. */
    /** A reason category is one of the closed list's codes, or none. */
    private static void requireCategory(String category) {
        try {
            ReasonCategory.ofCode(category);
        } catch (IllegalArgumentException e) {
            throw new Rules.InvalidField("category", e.getMessage());
        }
    }

    private String patientId() {
        return patient.patientId();
    }

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
        // The new recipient's staff take it from here.
        assignee = null;
        assigneeName = null;
    }

    @EventSourcingHandler
    void on(ReferralAssigned e) {
        assignee = e.assignee();
        assigneeName = e.assigneeName();
    }

    @EventSourcingHandler
    void on(ReferralUnassigned e) {
        assignee = null;
        assigneeName = null;
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
        appointmentId = e.appointmentId();
        followedAppointments.put(e.appointmentId(), e.appointmentVersion());
        appointmentBooked = true;
        appointmentMissed = false;
        status = e.status();
    }

    @EventSourcingHandler
    void on(VisitRescheduled e) {
        followedAppointments.put(e.appointmentId(), e.appointmentVersion());
        appointmentBooked = true;
        appointmentMissed = false;
        status = e.status();
    }

    @EventSourcingHandler
    void on(NoShowRecorded e) {
        followedAppointments.put(e.appointmentId(), e.appointmentVersion());
        appointmentBooked = false;
        appointmentMissed = true;
        status = e.status();
    }

    @EventSourcingHandler
    void on(VisitCancelled e) {
        followedAppointments.put(e.appointmentId(), e.appointmentVersion());
        appointmentBooked = false;
        appointmentMissed = false;
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

    @EventSourcingHandler
    void on(PatientRekeyed e) {
        patient = e.applyTo(patient);
    }

}

package dev.careloop.command.appointment;

import dev.careloop.api.Actor;
import dev.careloop.api.MetadataKeys;
import dev.careloop.api.Patient;
import dev.careloop.api.appointment.*;
import dev.careloop.command.rules.Refusal;
import dev.careloop.command.rules.Rules;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.AggregateIdentifier;
import dev.careloop.api.privacy.PatientRekeyed;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.modelling.command.AggregateScopeDescriptor;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.careloop.api.appointment.AppointmentStatus.*;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * An appointment and who is responsible for it (FHIR Appointment). The performing organisation books or
 * proposes it, moves it through its statuses and may hand responsibility to another organisation, which
 * then sees it too. A persistent deadline reminds before a booked visit. Handlers return the new version.
 */
@Aggregate
public class AppointmentHandoff {

    static final String REMINDER = "appointment-reminder";
    static final Set<String> STAFF = Set.of(Actor.CLINICIAN, Actor.COORDINATOR);

    @AggregateIdentifier
    private String appointmentId;
    private String referralId;
    private Patient patient;
    private String performer;
    private final Set<String> participants = new HashSet<>();
    private AppointmentStatus status;
    private List<Slot> proposed = List.of();
    private Slot slot;
    private String location;
    private String description;

    protected AppointmentHandoff() {
        // for Axon
    }

    /** Opened by {@link AppointmentBooking}, which has checked the referral (if any) and the caller. */
    AppointmentHandoff(BookAppointment cmd, Booking booking, ReminderPolicy reminders, DeadlineManager deadlines) {
        requireSlot("slot", cmd.slot());
        apply(new AppointmentBooked(cmd.appointmentId(), booking.referralId(), booking.patient(), booking.performer(),
                booking.participants(), cmd.slot(), cmd.location(), cmd.description(), BOOKED));
        // Named explicitly: while the constructor runs, the current scope is not yet this appointment.
        reminders.remindAt(cmd.slot()).ifPresent(at -> deadlines.schedule(at, REMINDER, null,
                new AggregateScopeDescriptor(AppointmentHandoff.class.getSimpleName(), cmd.appointmentId())));
    }

    /** Opened by {@link AppointmentBooking}, like a booking. */
    AppointmentHandoff(ProposeAppointment cmd, Booking booking) {
        Rules.require(cmd.slots() != null && !cmd.slots().isEmpty(), "slots", "offer at least one slot");
        for (int i = 0; i < cmd.slots().size(); i++) {
            requireSlot("slots[" + i + "]", cmd.slots().get(i));
        }
        apply(new AppointmentProposed(cmd.appointmentId(), booking.referralId(), booking.patient(),
                booking.performer(), booking.participants(), List.copyOf(cmd.slots()), cmd.location(),
                cmd.description(), PROPOSED));
    }

    @CommandHandler
    long handle(ConfirmSlot cmd, Actor actor, ReminderPolicy reminders, DeadlineManager deadlines,
                @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        decide(AppointmentAction.CONFIRM_SLOT, actor, expected);
        Slot chosen = proposed.stream().filter(s -> s.start().equals(cmd.start())).findFirst()
                .orElseThrow(() -> new Rules.InvalidField("start", "is not one of the proposed slots"));
        apply(new AppointmentBooked(appointmentId, referralId, patient, performer, Set.copyOf(participants), chosen,
                location, description, BOOKED));
        remind(chosen, reminders, deadlines);
        return version();
    }

    @CommandHandler
    long handle(RescheduleAppointment cmd, Actor actor, ReminderPolicy reminders, DeadlineManager deadlines,
                @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        decide(AppointmentAction.RESCHEDULE, actor, expected);
        requireSlot("slot", cmd.slot());
        Slot to = keepingDuration(cmd.slot());
        Rules.conflictUnless(!to.equals(slot), "the appointment is already at that time");
        apply(new AppointmentRescheduled(appointmentId, patientId(), referralId, to,
                cmd.location() == null ? location : cmd.location(), cmd.reason(), BOOKED));
        deadlines.cancelAllWithinScope(REMINDER);
        remind(to, reminders, deadlines);
        return version();
    }

    /** A new start without an end keeps the visit as long as it was: the end moves with the start. */
    private Slot keepingDuration(Slot to) {
        if (to.end() != null || slot == null || slot.end() == null) {
            return to;
        }
        return new Slot(to.start(), to.start().plus(Duration.between(slot.start(), slot.end())));
    }

    @CommandHandler
    long handle(CancelAppointment cmd, Actor actor, DeadlineManager deadlines,
                @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        decide(AppointmentAction.CANCEL, actor, expected);
        apply(new AppointmentCancelled(appointmentId, patientId(), referralId, cmd.reason(), false, CANCELLED));
        deadlines.cancelAllWithinScope(REMINDER);
        return version();
    }

    /** Idempotent: an appointment that is already over is left as it is. */
    @CommandHandler
    long handle(CancelAppointmentForReferral cmd, DeadlineManager deadlines) {
        if (AppointmentAction.CANCEL.allowedFrom(status)) {
            apply(new AppointmentCancelled(appointmentId, patientId(), referralId, cmd.reason(), true, CANCELLED));
            deadlines.cancelAllWithinScope(REMINDER);
        }
        return version();
    }

    /** Idempotent like the cancellation: an appointment that is already over is left as it is. */
    @CommandHandler
    long handle(CloseAppointmentForReferral cmd, DeadlineManager deadlines) {
        if (status == ARRIVED || (status == BOOKED && !slot.start().isAfter(cmd.completedAt()))) {
            apply(new AppointmentFulfilled(appointmentId, referralId, FULFILLED));
            deadlines.cancelAllWithinScope(REMINDER);
        } else if (status == BOOKED || status == PROPOSED) {
            apply(new AppointmentCancelled(appointmentId, patientId(), referralId,
                    "the referral was completed with its consult report before this visit", true, CANCELLED));
            deadlines.cancelAllWithinScope(REMINDER);
        }
        return version();
    }

    @CommandHandler
    long handle(MarkArrived cmd, Actor actor, DeadlineManager deadlines,
                @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        decide(AppointmentAction.MARK_ARRIVED, actor, expected);
        apply(new PatientArrived(appointmentId, referralId, ARRIVED));
        deadlines.cancelAllWithinScope(REMINDER);
        return version();
    }

    @CommandHandler
    long handle(MarkFulfilled cmd, Actor actor, DeadlineManager deadlines,
                @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        decide(AppointmentAction.MARK_FULFILLED, actor, expected);
        apply(new AppointmentFulfilled(appointmentId, referralId, FULFILLED));
        deadlines.cancelAllWithinScope(REMINDER);
        return version();
    }

    @CommandHandler
    long handle(MarkNoShow cmd, Actor actor, DeadlineManager deadlines,
                @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        decide(AppointmentAction.MARK_NO_SHOW, actor, expected);
        apply(new PatientDidNotAttend(appointmentId, referralId, NO_SHOW));
        deadlines.cancelAllWithinScope(REMINDER);
        return version();
    }

    @CommandHandler
    long handle(HandOffAppointment cmd, Actor actor, @MetaDataValue(MetadataKeys.EXPECTED_VERSION) Long expected) {
        decide(AppointmentAction.HAND_OFF, actor, expected);
        Rules.require(!cmd.toOrganisation().equals(performer), "toOrganisation",
                "the appointment is already with " + performer);
        apply(new AppointmentHandedOff(appointmentId, patientId(), referralId, performer, cmd.toOrganisation(),
                cmd.reason(), status));
        return version();
    }

    @DeadlineHandler(deadlineName = REMINDER)
    void reminderDue() {
        if (status == BOOKED) {
            apply(new AppointmentReminderDue(appointmentId, referralId, slot.start(), status));
        }
    }

    private static void requireSlot(String field, Slot slot) {
        Rules.require(slot != null && slot.start() != null, field, "needs a start");
        Rules.require(slot.end() == null || slot.end().isAfter(slot.start()), field, "must end after it starts");
    }

    private void remind(Slot booked, ReminderPolicy reminders, DeadlineManager deadlines) {
        reminders.remindAt(booked).ifPresent(at -> deadlines.schedule(at, REMINDER));
    }

    private void decide(AppointmentAction action, Actor actor, Long expectedVersion) {
        if (!participants.contains(actor.organisation())) {
            throw Refusal.notFound("appointment");
        }
        Rules.requireVersion("appointment", expectedVersion, version());
        if (action.performerOnly() && !actor.actsFor(performer)) {
            throw new Refusal(Refusal.Kind.FORBIDDEN, "only the performing organisation can " + action.action());
        }
        if (!actor.hasAnyRole(STAFF)) {
            throw new Refusal(Refusal.Kind.FORBIDDEN, "only clinicians or coordinators can " + action.action());
        }
        Rules.conflictUnless(action.allowedFrom(status),
                "an appointment that is " + status.phrase() + " cannot " + action.refused());
    }

    /** When and where the visit now is, as the referral shows it (for a booked appointment). */
    dev.careloop.api.referral.Appointment visit() {
        return new dev.careloop.api.referral.Appointment(slot.start(), slot.end(), location);
    }

    /** The patient whose key seals the clinical text of this appointment's events (none for some old ones). */
    private String patientId() {
        return patient == null ? null : patient.patientId();
    }

    private static long version() {
        Long sequence = AggregateLifecycle.getVersion();
        return sequence == null ? 0 : sequence + 1;
    }

    /**
     * The patient-id migration: from now on the appointment names its patient by the keyed id. Answers whether it
     * changed anything; an appointment already re-keyed (a second run, another node) appends nothing.
     */
    @CommandHandler
    boolean handle(RekeyAppointmentPatient cmd) {
        if (patient == null || !patient.patientId().equals(cmd.oldPatientId())) {
            return false;
        }
        apply(new PatientRekeyed(appointmentId, cmd.oldPatientId(), cmd.newPatientId()));
        return true;
    }

    @EventSourcingHandler
    void on(PatientRekeyed e) {
        patient = e.applyTo(patient);
    }

    @EventSourcingHandler
    void on(AppointmentProposed e) {
        appointmentId = e.appointmentId();
        referralId = e.referralId();
        patient = e.patient();
        performer = e.performer();
        participants.addAll(e.participants());
        proposed = e.slots();
        location = e.location();
        description = e.description();
        status = e.status();
    }

    @EventSourcingHandler
    void on(AppointmentBooked e) {
        appointmentId = e.appointmentId();
        referralId = e.referralId();
        patient = e.patient();
        performer = e.performer();
        participants.addAll(e.participants());
        proposed = List.of();
        slot = e.slot();
        location = e.location();
        description = e.description();
        status = e.status();
    }

    @EventSourcingHandler
    void on(AppointmentRescheduled e) {
        slot = e.slot();
        location = e.location();
        status = e.status();
    }

    @EventSourcingHandler
    void on(AppointmentCancelled e) {
        status = e.status();
    }

    @EventSourcingHandler
    void on(PatientArrived e) {
        status = e.status();
    }

    @EventSourcingHandler
    void on(AppointmentFulfilled e) {
        status = e.status();
    }

    @EventSourcingHandler
    void on(PatientDidNotAttend e) {
        status = e.status();
    }

    @EventSourcingHandler
    void on(AppointmentHandedOff e) {
        performer = e.toOrganisation();
        participants.add(e.toOrganisation());
    }
}

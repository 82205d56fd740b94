package dev.careloop.command.appointment;

import dev.careloop.api.Actor;
import dev.careloop.api.Patient;
import dev.careloop.api.appointment.BookAppointment;
import dev.careloop.api.appointment.CancelAppointment;
import dev.careloop.api.appointment.MarkNoShow;
import dev.careloop.api.appointment.ProposeAppointment;
import dev.careloop.api.appointment.RescheduleAppointment;
import dev.careloop.api.appointment.Slot;
import dev.careloop.api.referral.Appointment;
import dev.careloop.api.referral.CancelVisit;
import dev.careloop.api.referral.PlanVisit;
import dev.careloop.api.referral.PlanVisit.Visit;
import dev.careloop.api.referral.RecordNoShow;
import dev.careloop.api.referral.RescheduleVisit;
import dev.careloop.api.referral.ScheduleVisit;
import dev.careloop.command.rules.Refusal;
import dev.careloop.command.rules.Rules;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.Repository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import java.util.Set;
import java.util.UUID;

/**
 * The one way to book or change a visit. A transition of care is booked by whoever performs it. A referral's
 * visit is first asked of the referral ({@link PlanVisit}, sent on the caller's behalf in the same transaction: the
 * same 404/403/409 as the referral's own actions, and nothing applied), then carried out on its appointment; only
 * the appointment changes here, and the referral's status follows from the appointment's events through
 * {@link ReferralVisitSaga}. The referral's actions answer with the version the referral will have once it has
 * followed; the appointment's with the appointment's version.
 */
@Component
class AppointmentBooking {

    private final Repository<AppointmentHandoff> appointments;
    private final CommandGateway referrals;
    private final ReminderPolicy reminders;

    AppointmentBooking(@Qualifier("appointmentHandoffRepository") Repository<AppointmentHandoff> appointments,
                       CommandGateway referrals, ReminderPolicy reminders) {
        this.appointments = appointments;
        this.referrals = referrals;
        this.reminders = reminders;
    }

    @CommandHandler
    long handle(BookAppointment cmd, Actor actor, DeadlineManager deadlines, MetaData caller) throws Exception {
        Booking booking = cmd.referralId() == null ? transitionOfCare(cmd.patient(), actor, "book an appointment")
                : forReferral(cmd.referralId(), cmd.patient(), caller);
        appointments.newInstance(() -> new AppointmentHandoff(cmd, booking, reminders, deadlines));
        return 1;
    }

    @CommandHandler
    long handle(ProposeAppointment cmd, Actor actor, MetaData caller) throws Exception {
        Booking booking = cmd.referralId() == null ? transitionOfCare(cmd.patient(), actor, "propose an appointment")
                : forReferral(cmd.referralId(), cmd.patient(), caller);
        appointments.newInstance(() -> new AppointmentHandoff(cmd, booking));
        return 1;
    }

    @CommandHandler
    long handle(ScheduleVisit cmd, Actor actor, DeadlineManager deadlines, MetaData caller) throws Exception {
        Visit visit = plan(cmd.referralId(), PlanVisit.Action.SCHEDULE, caller);
        book(visit, cmd.appointmentId(), cmd.appointment(), actor, deadlines);
        return visit.versionAfter();
    }

    /** A booked visit moves; one the patient missed, or that was cancelled, is booked anew. */
    @CommandHandler
    long handle(RescheduleVisit cmd, Actor actor, DeadlineManager deadlines, MetaData caller) throws Exception {
        Visit visit = plan(cmd.referralId(), PlanVisit.Action.RESCHEDULE, caller);
        Appointment to = cmd.appointment();
        if (visit.booked()) {
            appointments.load(visit.appointmentId()).execute(a -> a.handle(new RescheduleAppointment(
                    visit.appointmentId(), new Slot(to.start(), to.end()), to.location(), cmd.reason()), actor,
                    reminders, deadlines, null));
        } else {
            book(visit, UUID.randomUUID().toString(), to, actor, deadlines);
        }
        return visit.versionAfter();
    }

    @CommandHandler
    long handle(RecordNoShow cmd, Actor actor, DeadlineManager deadlines, MetaData caller) {
        Visit visit = plan(cmd.referralId(), PlanVisit.Action.NO_SHOW, caller);
        appointments.load(visit.appointmentId()).execute(a -> a.handle(new MarkNoShow(visit.appointmentId()), actor,
                deadlines, null));
        return visit.versionAfter();
    }

    @CommandHandler
    long handle(CancelVisit cmd, Actor actor, DeadlineManager deadlines, MetaData caller) {
        Visit visit = plan(cmd.referralId(), PlanVisit.Action.CANCEL, caller);
        appointments.load(visit.appointmentId()).execute(a -> a.handle(
                new CancelAppointment(visit.appointmentId(), cmd.reason()), actor, deadlines, null));
        return visit.versionAfter();
    }

    private void book(Visit visit, String appointmentId, Appointment at, Actor actor, DeadlineManager deadlines)
            throws Exception {
        BookAppointment booking = new BookAppointment(appointmentId, visit.referralId(), null,
                new Slot(at.start(), at.end()), at.location(), null);
        appointments.newInstance(() -> new AppointmentHandoff(booking, forReferral(visit), reminders,
                deadlines));
    }

    private Booking forReferral(String referralId, Patient patient, MetaData caller) {
        Rules.require(patient == null, "patient", "comes from the referral; leave it out");
        return forReferral(plan(referralId, PlanVisit.Action.SCHEDULE, caller));
    }

    /** Asks the referral as the caller (their actor and If-Match travel along), in this unit of work's transaction. */
    private Visit plan(String referralId, PlanVisit.Action action, MetaData caller) {
        try {
            return referrals.sendAndWait(GenericCommandMessage.asCommandMessage(new PlanVisit(referralId, action))
                    .andMetaData(caller));
        } catch (AggregateNotFoundException e) {
            throw Refusal.notFound("referral");
        }
    }

    /** The receiving organisation performs the visit; the referring one sees it (and may pick a proposed slot). */
    private static Booking forReferral(Visit visit) {
        return new Booking(visit.referralId(), visit.patient(), visit.recipient(),
                Set.of(visit.recipient(), visit.initiator()));
    }

    private static Booking transitionOfCare(Patient patient, Actor actor, String what) {
        Rules.require(patient != null, "patient", "is required");
        if (!actor.hasAnyRole(AppointmentHandoff.STAFF)) {
            throw new Refusal(Refusal.Kind.FORBIDDEN, "only clinicians or coordinators can " + what);
        }
        return new Booking(null, patient, actor.organisation(), Set.of(actor.organisation()));
    }
}

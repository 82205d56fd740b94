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
import dev.careloop.api.referral.FollowAppointment;
import dev.careloop.api.referral.FollowAppointment.Change;
import dev.careloop.api.referral.FollowAppointment.Outcome;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import java.util.Set;
import java.util.UUID;

/**
 * The one way to book or change a visit. A transition of care is booked by whoever performs it. A referral's
 * visit is first asked of the referral ({@link PlanVisit}, sent on the caller's behalf in the same transaction: the
 * same 404/403/409 as the referral's own actions, and nothing applied), then carried out on its appointment, and the
 * referral follows the appointment's change ({@link FollowAppointment}) in that same transaction: the outcome is
 * decided here, so the answer carries the referral as it now is, without waiting for {@link ReferralVisitSaga}'s
 * round trip. The process manager still sees the appointment's events and finds them already followed (the referral
 * ignores a version it has followed); it alone handles the changes made on the appointment itself. The referral's
 * actions answer with the referral's new version; the appointment's with the appointment's version.
 */
@Component
class AppointmentBooking {

    private static final Logger log = LoggerFactory.getLogger(AppointmentBooking.class);

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
            Moved moved = appointments.load(visit.appointmentId()).invoke(a -> new Moved(a.handle(
                    new RescheduleAppointment(visit.appointmentId(), new Slot(to.start(), to.end()), to.location(),
                            cmd.reason()), actor, reminders, deadlines, null), a.visit()));
            follow(visit, visit.appointmentId(), moved.version(), Change.RESCHEDULED, moved.visit(), cmd.reason());
        } else {
            book(visit, UUID.randomUUID().toString(), to, actor, deadlines);
        }
        return visit.versionAfter();
    }

    @CommandHandler
    long handle(RecordNoShow cmd, Actor actor, DeadlineManager deadlines, MetaData caller) {
        Visit visit = plan(cmd.referralId(), PlanVisit.Action.NO_SHOW, caller);
        long missed = appointments.load(visit.appointmentId()).invoke(a -> a.handle(
                new MarkNoShow(visit.appointmentId()), actor, deadlines, null));
        follow(visit, visit.appointmentId(), missed, Change.NO_SHOW, null, null);
        return visit.versionAfter();
    }

    @CommandHandler
    long handle(CancelVisit cmd, Actor actor, DeadlineManager deadlines, MetaData caller) {
        Visit visit = plan(cmd.referralId(), PlanVisit.Action.CANCEL, caller);
        long cancelled = appointments.load(visit.appointmentId()).invoke(a -> a.handle(
                new CancelAppointment(visit.appointmentId(), cmd.reason()), actor, deadlines, null));
        follow(visit, visit.appointmentId(), cancelled, Change.CANCELLED, null, cmd.reason());
        return visit.versionAfter();
    }

    private void book(Visit visit, String appointmentId, Appointment at, Actor actor, DeadlineManager deadlines)
            throws Exception {
        BookAppointment booking = new BookAppointment(appointmentId, visit.referralId(), null,
                new Slot(at.start(), at.end()), at.location(), null);
        appointments.newInstance(() -> new AppointmentHandoff(booking, forReferral(visit), reminders,
                deadlines));
        // A new appointment's booking is its first event: version 1.
        follow(visit, appointmentId, 1, Change.BOOKED, at, null);
    }

    /**
     * The referral follows its appointment's change in this transaction, as the process manager would after it.
     * A change the referral refuses is left to the process manager, which cancels a booking the referral did not
     * take, as it always has.
     */
    private void follow(Visit visit, String appointmentId, long appointmentVersion, Change change,
                        Appointment appointment, String reason) {
        Outcome outcome = referrals.sendAndWait(new FollowAppointment(visit.referralId(), appointmentId,
                appointmentVersion, change, appointment, reason));
        if (outcome.result() == Outcome.Result.REFUSED) {
            log.info("Referral {} did not follow {} of appointment {}: {}", visit.referralId(), change, appointmentId,
                    outcome.reason());
        }
    }

    /** A rescheduled appointment: its version after the move and the visit it now is. */
    record Moved(long version, Appointment visit) {
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

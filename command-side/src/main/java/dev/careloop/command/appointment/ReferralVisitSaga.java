package dev.careloop.command.appointment;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.careloop.api.appointment.AppointmentBooked;
import dev.careloop.api.appointment.AppointmentCancelled;
import dev.careloop.api.appointment.AppointmentFulfilled;
import dev.careloop.api.appointment.AppointmentProposed;
import dev.careloop.api.appointment.AppointmentRescheduled;
import dev.careloop.api.appointment.CancelAppointmentForReferral;
import dev.careloop.api.appointment.CloseAppointmentForReferral;
import dev.careloop.api.appointment.PatientDidNotAttend;
import dev.careloop.api.appointment.Slot;
import dev.careloop.api.referral.Appointment;
import dev.careloop.api.referral.CancellationConfirmed;
import dev.careloop.api.referral.FollowAppointment;
import dev.careloop.api.referral.FollowAppointment.Change;
import dev.careloop.api.referral.FollowAppointment.Outcome;
import dev.careloop.api.referral.OutcomeSent;
import dev.careloop.api.referral.ReferralDeclined;
import dev.careloop.api.referral.ReferralForwarded;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.SagaLifecycle;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * Keeps a referral and its appointment in step, one saga per appointment booked or proposed for a referral
 * (state in PostgreSQL: saga_entry, association_value_entry).
 * <ul>
 * <li>Appointment to referral: booked, rescheduled, no-show and cancelled become {@link FollowAppointment} with the
 * appointment's version, so the referral's business status follows (the state machine table, docs/API.md). A booking
 * the referral refuses (it moved on, or already has another appointment) is cancelled again.</li> <li>Referral to
 * appointment: declined, cancelled or forwarded cancels the appointment ({@link CancelAppointmentForReferral}), whose
 * cancellation is marked {@code byReferral} and not echoed back: the two directions never loop. A consult report closes
 * the visit ({@link CloseAppointmentForReferral}): one that had begun by then is fulfilled, one still ahead is
 * cancelled; neither is echoed back.</li>
 * </ul>
 * Redelivery changes nothing: the saga skips appointment versions it has passed on, the referral ignores
 * versions it has followed, and cancelling an appointment that is already over is a no-op. A visit action taken on
 * the referral (schedule, reschedule, no-show, cancel) has the referral follow in its own transaction
 * (AppointmentBooking): the saga then finds that change already followed.
 */
@Saga
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class ReferralVisitSaga {

    private static final Logger log = LoggerFactory.getLogger(ReferralVisitSaga.class);
    private static final String REFERRAL_ID = "referralId";

    private String appointmentId;
    private String referralId;
    /** The last appointment version passed on to the referral. */
    private long passedOn;

    @StartSaga
    @SagaEventHandler(associationProperty = "appointmentId")
    void on(AppointmentProposed e, @SequenceNumber long sequence) {
        if (!start(e.appointmentId(), e.referralId())) {
            return;
        }
        passedOn = Math.max(passedOn, sequence + 1);
    }

    @StartSaga
    @SagaEventHandler(associationProperty = "appointmentId")
    void on(AppointmentBooked e, @SequenceNumber long sequence, CommandGateway commands) {
        if (!start(e.appointmentId(), e.referralId()) || !fresh(sequence)) {
            return;
        }
        Outcome outcome = follow(commands, Change.BOOKED, sequence, appointment(e.slot(), e.location()), null);
        if (outcome.result() == Outcome.Result.REFUSED) {
            log.info("Appointment {} cancelled: referral {} refused it ({})", appointmentId, referralId,
                    outcome.reason());
            cancelAppointment(commands, outcome.reason());
        }
    }

    @SagaEventHandler(associationProperty = "appointmentId")
    void on(AppointmentRescheduled e, @SequenceNumber long sequence, CommandGateway commands) {
        if (fresh(sequence)) {
            follow(commands, Change.RESCHEDULED, sequence, appointment(e.slot(), e.location()), e.reason());
        }
    }

    /** A missed appointment is over; a new visit is a new appointment. */
    @EndSaga
    @SagaEventHandler(associationProperty = "appointmentId")
    void on(PatientDidNotAttend e, @SequenceNumber long sequence, CommandGateway commands) {
        if (fresh(sequence)) {
            follow(commands, Change.NO_SHOW, sequence, null, null);
        }
    }

    @EndSaga
    @SagaEventHandler(associationProperty = "appointmentId")
    void on(AppointmentCancelled e, @SequenceNumber long sequence, CommandGateway commands) {
        if (!e.byReferral() && fresh(sequence)) {
            follow(commands, Change.CANCELLED, sequence, null, e.reason());
        }
    }

    @EndSaga
    @SagaEventHandler(associationProperty = "appointmentId")
    void on(AppointmentFulfilled e) {
        // The visit took place; the referral moves on with its interim note or outcome.
    }

    @SagaEventHandler(associationProperty = REFERRAL_ID)
    void on(ReferralDeclined e, CommandGateway commands) {
        cancelAppointment(commands, "the referral was declined: " + e.reason());
    }

    @SagaEventHandler(associationProperty = REFERRAL_ID)
    void on(CancellationConfirmed e, CommandGateway commands) {
        cancelAppointment(commands, "the referral was cancelled");
    }

    @SagaEventHandler(associationProperty = REFERRAL_ID)
    void on(ReferralForwarded e, CommandGateway commands) {
        cancelAppointment(commands, "the referral was forwarded to " + e.toOrganisation());
    }

    /** A completed referral leaves no visit booked. */
    @SagaEventHandler(associationProperty = REFERRAL_ID)
    void on(OutcomeSent e, @Timestamp Instant completedAt, CommandGateway commands) {
        commands.sendAndWait(new CloseAppointmentForReferral(appointmentId, completedAt));
        SagaLifecycle.end();
    }

    /** Associates a new saga with its referral; an appointment without one (a transition of care) needs none. */
    private boolean start(String appointment, String referral) {
        if (referral == null) {
            SagaLifecycle.end();
            return false;
        }
        if (referralId == null) {
            appointmentId = appointment;
            referralId = referral;
            SagaLifecycle.associateWith(REFERRAL_ID, referral);
        }
        return true;
    }

    private boolean fresh(long sequence) {
        if (sequence + 1 <= passedOn) {
            return false;
        }
        passedOn = sequence + 1;
        return true;
    }

    private Outcome follow(CommandGateway commands, Change change, long sequence, Appointment appointment,
                           String reason) {
        Outcome outcome = commands.sendAndWait(new FollowAppointment(referralId, appointmentId, sequence + 1, change,
                appointment, reason));
        if (outcome.result() == Outcome.Result.REFUSED && change != Change.BOOKED) {
            log.info("Referral {} did not follow {} of appointment {}: {}", referralId, change, appointmentId,
                    outcome.reason());
        }
        return outcome;
    }

    private void cancelAppointment(CommandGateway commands, String reason) {
        commands.sendAndWait(new CancelAppointmentForReferral(appointmentId, reason));
        SagaLifecycle.end();
    }

    private static Appointment appointment(Slot slot, String location) {
        return new Appointment(slot.start(), slot.end(), location);
    }
}

package dev.careloop.command.appointment;

import dev.careloop.api.Patient;
import dev.careloop.api.TestPatients;
import dev.careloop.api.appointment.*;
import dev.careloop.api.referral.Appointment;
import dev.careloop.api.referral.CancellationConfirmed;
import dev.careloop.api.referral.FollowAppointment;
import dev.careloop.api.referral.FollowAppointment.Change;
import dev.careloop.api.referral.FollowAppointment.Outcome;
import dev.careloop.api.referral.ReferralDeclined;
import dev.careloop.api.referral.ReferralForwarded;
import dev.careloop.api.referral.OutcomeSent;
import dev.careloop.api.referral.ReferralStatus;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.careloop.api.appointment.AppointmentStatus.*;

/**
 * The process manager between a referral and its appointment, one appointment at a time. (Redelivery of
 * events it has handled is tested on the real saga store and processor: ReferralVisitRedeliveryTest.)
 */
class ReferralVisitSagaTest {

    private static final String REFERRAL = "referral-1";
    private static final String ID = "appointment-1";
    private static final String NORTHSIDE = "northside-gp";
    private static final String RIVERSIDE = "riverside-derm";
    private static final Patient PATIENT = TestPatients.patient("urn:oid:1.2.3", "MRN-77", "Ada Lovelace",
            LocalDate.of(1980, 1, 2));
    private static final Slot SLOT = new Slot(Instant.parse("2030-03-10T10:00:00Z"),
            Instant.parse("2030-03-10T10:30:00Z"));
    private static final Slot LATER = new Slot(Instant.parse("2030-03-12T14:00:00Z"), null);

    private final SagaTestFixture<ReferralVisitSaga> fixture = new SagaTestFixture<>(ReferralVisitSaga.class);
    /** What the referral answers to FollowAppointment in a test (it follows, unless a test says otherwise). */
    private final List<Outcome> outcomes = new ArrayList<>();

    @BeforeEach
    void referralFollows() {
        fixture.setCallbackBehavior((command, metaData) -> command instanceof FollowAppointment
                ? (outcomes.isEmpty() ? Outcome.followed() : outcomes.remove(0)) : 1L);
    }

    @Test
    void aBookingForAReferralIsPassedOnWithTheAppointmentsVersion() {
        fixture.givenNoPriorActivity()
                .whenAggregate(ID).publishes(booked())
                .expectActiveSagas(1)
                .expectAssociationWith("referralId", REFERRAL)
                .expectDispatchedCommands(new FollowAppointment(REFERRAL, ID, 1, Change.BOOKED,
                        new Appointment(SLOT.start(), SLOT.end(), "Room 2"), null));
    }

    @Test
    void aTransitionOfCareHasNoReferralToKeepInStep() {
        fixture.givenNoPriorActivity()
                .whenAggregate(ID).publishes(new AppointmentBooked(ID, null, PATIENT, NORTHSIDE, Set.of(NORTHSIDE),
                        SLOT, null, null, BOOKED))
                .expectActiveSagas(0)
                .expectNoDispatchedCommands();
    }

    @Test
    void reschedulingIsPassedOn() {
        fixture.givenAggregate(ID).published(booked())
                .whenAggregate(ID).publishes(new AppointmentRescheduled(ID, PATIENT.patientId(), REFERRAL, LATER,
                        "Room 3", "sick", BOOKED))
                .expectDispatchedCommands(new FollowAppointment(REFERRAL, ID, 2, Change.RESCHEDULED,
                        new Appointment(LATER.start(), null, "Room 3"), "sick"));
    }

    @Test
    void aNoShowIsPassedOnAndEndsTheAppointmentsSaga() {
        fixture.givenAggregate(ID).published(booked())
                .whenAggregate(ID).publishes(new PatientDidNotAttend(ID, REFERRAL, NO_SHOW))
                .expectDispatchedCommands(new FollowAppointment(REFERRAL, ID, 2, Change.NO_SHOW, null, null))
                .expectActiveSagas(0);
    }

    @Test
    void theClinicCancellingTheAppointmentIsPassedOn() {
        fixture.givenAggregate(ID).published(booked())
                .whenAggregate(ID).publishes(new AppointmentCancelled(ID, PATIENT.patientId(), REFERRAL,
                        "clinic closed", false, CANCELLED))
                .expectDispatchedCommands(new FollowAppointment(REFERRAL, ID, 2, Change.CANCELLED, null,
                        "clinic closed"))
                .expectActiveSagas(0);
    }

    @Test
    void aDeclinedReferralCancelsItsAppointmentAndThatIsNotEchoedBack() {
        fixture.givenAggregate(ID).published(booked())
                .whenAggregate(REFERRAL).publishes(new ReferralDeclined(REFERRAL, PATIENT.patientId(),
                        "not our specialty", ReferralStatus.DECLINED))
                .expectDispatchedCommands(new CancelAppointmentForReferral(ID,
                        "the referral was declined: not our specialty"))
                .expectActiveSagas(0);
        // The cancellation it caused comes back marked byReferral: nothing is sent to the referral.
        fixture.givenAggregate(ID).published(booked())
                .whenAggregate(ID).publishes(new AppointmentCancelled(ID, PATIENT.patientId(), REFERRAL,
                        "the referral was declined", true, CANCELLED))
                .expectNoDispatchedCommands()
                .expectActiveSagas(0);
    }

    @Test
    void aConfirmedCancellationCancelsTheAppointment() {
        fixture.givenAggregate(ID).published(booked())
                .whenAggregate(REFERRAL).publishes(new CancellationConfirmed(REFERRAL, ReferralStatus.CANCELLED))
                .expectDispatchedCommands(new CancelAppointmentForReferral(ID, "the referral was cancelled"));
    }

    @Test
    void aConsultReportClosesTheBookedVisitAtTheTimeItWasSent() {
        Instant reported = Instant.parse("2030-03-10T11:00:00Z");
        fixture.givenCurrentTime(reported).andThenAggregate(ID).published(booked())
                .whenAggregate(REFERRAL).publishes(new OutcomeSent(REFERRAL, PATIENT.patientId(), "Benign",
                        ReferralStatus.COMPLETED, List.of()))
                .expectDispatchedCommands(new CloseAppointmentForReferral(ID, reported))
                .expectActiveSagas(0);
    }

    @Test
    void forwardingAReferralWithdrawsTheSlotsItsFormerRecipientProposed() {
        fixture.givenAggregate(ID).published(new AppointmentProposed(ID, REFERRAL, PATIENT, RIVERSIDE,
                        Set.of(RIVERSIDE, NORTHSIDE), List.of(SLOT, LATER), null, null, PROPOSED))
                .whenAggregate(REFERRAL).publishes(new ReferralForwarded(REFERRAL, PATIENT.patientId(), RIVERSIDE,
                        "hillside-derm", "closer to home", ReferralStatus.CREATED))
                .expectDispatchedCommands(new CancelAppointmentForReferral(ID,
                        "the referral was forwarded to hillside-derm"));
    }

    @Test
    void aConfirmedProposalIsPassedOnAsABooking() {
        fixture.givenAggregate(ID).published(new AppointmentProposed(ID, REFERRAL, PATIENT, RIVERSIDE,
                        Set.of(RIVERSIDE, NORTHSIDE), List.of(SLOT, LATER), null, null, PROPOSED))
                .whenAggregate(ID).publishes(booked())
                .expectDispatchedCommands(new FollowAppointment(REFERRAL, ID, 2, Change.BOOKED,
                        new Appointment(SLOT.start(), SLOT.end(), "Room 2"), null));
    }

    @Test
    void aBookingTheReferralRefusesIsCancelledAgain() {
        outcomes.add(Outcome.refused("the referral already has appointment appointment-0"));
        fixture.givenNoPriorActivity()
                .whenAggregate(ID).publishes(booked())
                .expectDispatchedCommands(
                        new FollowAppointment(REFERRAL, ID, 1, Change.BOOKED,
                                new Appointment(SLOT.start(), SLOT.end(), "Room 2"), null),
                        new CancelAppointmentForReferral(ID, "the referral already has appointment appointment-0"))
                .expectActiveSagas(0);
    }

    @Test
    void aBookingTheReferralAlreadyFollowedIsNotCancelled() {
        outcomes.add(Outcome.alreadyFollowed());
        fixture.givenNoPriorActivity()
                .whenAggregate(ID).publishes(booked())
                .expectDispatchedCommands(new FollowAppointment(REFERRAL, ID, 1, Change.BOOKED,
                        new Appointment(SLOT.start(), SLOT.end(), "Room 2"), null))
                .expectActiveSagas(1);
    }

    private static AppointmentBooked booked() {
        return new AppointmentBooked(ID, REFERRAL, PATIENT, RIVERSIDE, Set.of(RIVERSIDE, NORTHSIDE), SLOT, "Room 2",
                null, BOOKED);
    }
}

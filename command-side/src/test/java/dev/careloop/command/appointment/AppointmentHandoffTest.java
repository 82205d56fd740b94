package dev.careloop.command.appointment;

import dev.careloop.api.Actor;
import dev.careloop.api.TestPatients;
import dev.careloop.api.Patient;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.appointment.*;
import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.command.rules.Refusal;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.mockito.Mockito;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.TestExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static dev.careloop.api.appointment.AppointmentStatus.*;
import static dev.careloop.command.CommandTesting.by;
import static dev.careloop.command.CommandTesting.command;
import static dev.careloop.command.CommandTesting.invalidField;
import static dev.careloop.command.CommandTesting.refusal;
import static org.hamcrest.Matchers.equalTo;

class AppointmentHandoffTest {

    private static final String ID = "appointment-7";
    private static final String NORTHSIDE = "northside-gp";
    private static final String RIVERSIDE = "riverside-derm";
    private static final String LAKESIDE = "lakeside-cardio";
    private static final Actor NORTH_STAFF = actor("dr-north", NORTHSIDE, Actor.CLINICIAN, Actor.COORDINATOR);
    private static final Actor NORTH_COMPLIANCE = actor("audit-north", NORTHSIDE, Actor.COMPLIANCE);
    private static final Actor RIVER_STAFF = actor("dr-river", RIVERSIDE, Actor.CLINICIAN);
    private static final Actor LAKE_STAFF = actor("dr-lake", LAKESIDE, Actor.CLINICIAN);
    private static final Patient PATIENT = TestPatients.patient("urn:oid:1.2.3", "MRN-77", "Ada Lovelace", LocalDate.of(1980, 1, 2));
    private static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");
    private static final Slot SLOT = new Slot(NOW.plus(Duration.ofDays(3)), NOW.plus(Duration.ofDays(3)).plusSeconds(1800));
    private static final Slot LATER = new Slot(NOW.plus(Duration.ofDays(5)), NOW.plus(Duration.ofDays(5)).plusSeconds(1800));
    private static final Duration LEAD = Duration.ofHours(24);

    private AggregateTestFixture<AppointmentHandoff> fixture;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void setUp() {
        fixture = new AggregateTestFixture<>(AppointmentHandoff.class);
        ReminderPolicy reminders = new ReminderPolicy(LEAD, Clock.fixed(NOW, ZoneOffset.UTC));
        fixture.registerInjectableResource(reminders);
        // Transitions of care name no referral, so no referral may ever be asked.
        CommandGateway referrals = Mockito.mock(CommandGateway.class, invocation -> {
            throw new AssertionError("a transition of care asked a referral: " + invocation);
        });
        fixture.registerAnnotatedCommandHandler(new AppointmentBooking(fixture.getRepository(), referrals, reminders));
    }

    @Test
    void performingOrganisationBooksATransitionOfCareAndIsReminderScheduledADayBefore() {
        fixture.givenCurrentTime(NOW)
                .when(new BookAppointment(ID, null, PATIENT, SLOT, "Room 4", "follow-up"), by(NORTH_STAFF))
                .expectEvents(booked())
                .expectResultMessagePayload(1L)
                .expectScheduledDeadlineWithName(SLOT.start().minus(LEAD), AppointmentHandoff.REMINDER);
    }

    @Test
    void aBookingNeedsAPatientAndASlotThatEndsAfterItStarts() {
        fixture.givenNoPriorActivity()
                .when(new BookAppointment(ID, null, null, SLOT, null, null), by(NORTH_STAFF))
                .expectException(invalidField("patient", equalTo("is required")));
        fixture.givenNoPriorActivity()
                .when(new BookAppointment(ID, null, PATIENT, new Slot(SLOT.end(), SLOT.start()), null, null),
                        by(NORTH_STAFF))
                .expectException(invalidField("slot", equalTo("must end after it starts")))
                .expectNoEvents();
    }

    @Test
    void complianceOfficerCannotBookAnAppointment() {
        fixture.givenNoPriorActivity()
                .when(new BookAppointment(ID, null, PATIENT, SLOT, null, null), by(NORTH_COMPLIANCE))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only clinicians or coordinators can book an appointment")));
    }

    @Test
    void proposedSlotsAreBookedWhenOneIsConfirmed() {
        fixture.givenCurrentTime(NOW)
                .andGiven(proposed())
                .when(new ConfirmSlot(ID, LATER.start()), by(NORTH_STAFF))
                .expectEvents(new AppointmentBooked(ID, null, PATIENT, NORTHSIDE, Set.of(NORTHSIDE), LATER, "Room 4",
                        "follow-up", BOOKED))
                .expectResultMessagePayload(2L)
                .expectScheduledDeadlineWithName(LATER.start().minus(LEAD), AppointmentHandoff.REMINDER);
    }

    @Test
    void aSlotThatWasNotProposedCannotBeConfirmed() {
        fixture.given(proposed())
                .when(new ConfirmSlot(ID, NOW), by(NORTH_STAFF))
                .expectException(invalidField("start", equalTo("is not one of the proposed slots")))
                .expectNoEvents();
    }

    @Test
    void aProposalNeedsAtLeastOneSlot() {
        fixture.givenNoPriorActivity()
                .when(new ProposeAppointment(ID, null, PATIENT, List.of(), null, null), by(NORTH_STAFF))
                .expectException(invalidField("slots", equalTo("offer at least one slot")));
    }

    @Test
    void reschedulingMovesTheVisitAndItsReminder() {
        givenBooked()
                .when(new RescheduleAppointment(ID, LATER, null, "clinic closed"), by(NORTH_STAFF, 1))
                .expectEvents(new AppointmentRescheduled(ID, PATIENT.patientId(), null, LATER, "Room 4",
                        "clinic closed", BOOKED))
                .expectResultMessagePayload(2L)
                .expectScheduledDeadlineWithName(LATER.start().minus(LEAD), AppointmentHandoff.REMINDER)
                .expectNoScheduledDeadlineWithName(SLOT.start().minus(LEAD), AppointmentHandoff.REMINDER);
    }

    @Test
    void reschedulingWithOnlyANewStartKeepsTheVisitsLength() {
        Slot startOnly = new Slot(LATER.start(), null);
        givenBooked()
                .when(new RescheduleAppointment(ID, startOnly, null, "clinic closed"), by(NORTH_STAFF))
                .expectEvents(new AppointmentRescheduled(ID, PATIENT.patientId(), null,
                        new Slot(LATER.start(), LATER.start().plusSeconds(1800)), "Room 4", "clinic closed", BOOKED));
    }

    @Test
    void aStaleIfMatchIsAConflict() {
        givenBooked()
                .when(new RescheduleAppointment(ID, LATER, null, null), by(NORTH_STAFF, 3))
                .expectException(refusal(Refusal.Kind.CONFLICT, equalTo(
                        "the appointment has changed: you sent If-Match version 3 but it is now at version 1")));
    }

    @Test
    void cancellingEndsTheAppointmentAndItsReminder() {
        givenBooked()
                .when(new CancelAppointment(ID, "patient moved away"), by(NORTH_STAFF))
                .expectEvents(new AppointmentCancelled(ID, PATIENT.patientId(), null, "patient moved away", false,
                        CANCELLED))
                .expectNoScheduledDeadlines();
    }

    @Test
    void aCancelledAppointmentCannotBeRescheduled() {
        givenBooked()
                .andGiven(new AppointmentCancelled(ID, PATIENT.patientId(), null, "no longer needed", false, CANCELLED))
                .when(new RescheduleAppointment(ID, LATER, null, null), by(NORTH_STAFF))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("an appointment that is cancelled cannot be rescheduled")));
    }

    @Test
    void arrivalThenFulfilment() {
        givenBooked()
                .when(new MarkArrived(ID), by(NORTH_STAFF))
                .expectEvents(new PatientArrived(ID, null, ARRIVED))
                .expectNoScheduledDeadlines();
        givenBooked()
                .andGiven(new PatientArrived(ID, null, ARRIVED))
                .when(new MarkFulfilled(ID), by(NORTH_STAFF))
                .expectEvents(new AppointmentFulfilled(ID, null, FULFILLED));
    }

    @Test
    void anArrivedPatientCannotBeANoShow() {
        givenBooked()
                .andGiven(new PatientArrived(ID, null, ARRIVED))
                .when(new MarkNoShow(ID), by(NORTH_STAFF))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("an appointment that is arrived cannot be marked as a no-show")));
    }

    @Test
    void aBookedPatientWhoDoesNotComeIsANoShow() {
        givenBooked()
                .when(new MarkNoShow(ID), by(NORTH_STAFF))
                .expectEvents(new PatientDidNotAttend(ID, null, NO_SHOW))
                .expectNoScheduledDeadlines();
    }

    @Test
    void handOffMovesResponsibilityAndTheNewPerformerThenActs() {
        givenBooked()
                .when(new HandOffAppointment(ID, RIVERSIDE, "closer to home"), by(NORTH_STAFF))
                .expectEvents(new AppointmentHandedOff(ID, PATIENT.patientId(), null, NORTHSIDE, RIVERSIDE,
                        "closer to home", BOOKED));
        givenBooked()
                .andGiven(new AppointmentHandedOff(ID, PATIENT.patientId(), null, NORTHSIDE, RIVERSIDE,
                        "closer to home", BOOKED))
                .when(new MarkArrived(ID), by(RIVER_STAFF))
                .expectEvents(new PatientArrived(ID, null, ARRIVED));
    }

    @Test
    void theFormerPerformerSeesButCannotChangeAHandedOffAppointment() {
        givenBooked()
                .andGiven(new AppointmentHandedOff(ID, PATIENT.patientId(), null, NORTHSIDE, RIVERSIDE,
                        "closer to home", BOOKED))
                .when(new CancelAppointment(ID, "changed my mind"), by(NORTH_STAFF))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only the performing organisation can cancel an appointment")));
    }

    @Test
    void anAppointmentCannotBeHandedToItsOwnPerformer() {
        givenBooked()
                .when(new HandOffAppointment(ID, NORTHSIDE, "why not"), by(NORTH_STAFF))
                .expectException(invalidField("toOrganisation", equalTo("the appointment is already with northside-gp")));
    }

    @Test
    void anOrganisationThatDoesNotSeeTheAppointmentIsToldItDoesNotExist() {
        givenBooked()
                .when(new MarkArrived(ID), by(LAKE_STAFF))
                .expectException(refusal(Refusal.Kind.NOT_FOUND, equalTo("no such appointment")));
    }

    @Test
    void theReminderFiresForABookedAppointment() {
        fixture.givenCurrentTime(NOW)
                .andGivenCommands(command(new BookAppointment(ID, null, PATIENT, SLOT, "Room 4", "follow-up"),
                        NORTH_STAFF))
                .whenThenTimeElapses(Duration.ofDays(2).plusHours(1))
                .expectTriggeredDeadlinesWithName(AppointmentHandoff.REMINDER)
                .expectEvents(new AppointmentReminderDue(ID, null, SLOT.start(), BOOKED));
    }

    @Test
    void cancellingForTheReferralIsHarmlessWhenTheAppointmentIsAlreadyOver() {
        givenBooked()
                .andGiven(new AppointmentCancelled(ID, PATIENT.patientId(), null, "no longer needed", false, CANCELLED))
                .when(new CancelAppointmentForReferral(ID, "the referral was declined"))
                .expectNoEvents();
        givenBooked()
                .when(new CancelAppointmentForReferral(ID, "the referral was declined"))
                .expectEvents(new AppointmentCancelled(ID, PATIENT.patientId(), null, "the referral was declined",
                        true, CANCELLED));
    }

    @Test
    void completingTheReferralAfterTheVisitBeganMarksItFulfilled() {
        givenBooked()
                .when(new CloseAppointmentForReferral(ID, SLOT.start().plusSeconds(600)))
                .expectEvents(new AppointmentFulfilled(ID, null, FULFILLED))
                .expectNoScheduledDeadlines();
        givenBooked()
                .andGiven(new PatientArrived(ID, null, ARRIVED))
                .when(new CloseAppointmentForReferral(ID, NOW))
                .expectEvents(new AppointmentFulfilled(ID, null, FULFILLED));
    }

    @Test
    void completingTheReferralBeforeTheVisitCancelsIt() {
        givenBooked()
                .when(new CloseAppointmentForReferral(ID, NOW))
                .expectEvents(new AppointmentCancelled(ID, PATIENT.patientId(), null,
                        "the referral was completed with its consult report before this visit", true, CANCELLED))
                .expectNoScheduledDeadlines();
    }

    @Test
    void completingTheReferralLeavesAnAppointmentThatIsOverAsItIs() {
        givenBooked()
                .andGiven(new AppointmentFulfilled(ID, null, FULFILLED))
                .when(new CloseAppointmentForReferral(ID, NOW))
                .expectNoEvents();
    }

    @Test
    void theMigrationRekeysTheAppointmentsPatientOnceAndLaterEventsNameTheKeyedId() {
        PatientRekeyed rekeyed = new PatientRekeyed(ID, PATIENT.patientId(), "keyed-id");
        givenBooked()
                .when(new RekeyAppointmentPatient(ID, PATIENT.patientId(), "keyed-id"))
                .expectEvents(rekeyed)
                .expectResultMessagePayload(true);
        fixture.givenCurrentTime(NOW).andGiven(booked(), rekeyed)
                .when(new RekeyAppointmentPatient(ID, PATIENT.patientId(), "keyed-id"))
                .expectNoEvents()
                .expectResultMessagePayload(false);
        fixture.givenCurrentTime(NOW).andGiven(booked(), rekeyed)
                .when(new CancelAppointment(ID, "patient moved away"), by(NORTH_STAFF))
                .expectEvents(new AppointmentCancelled(ID, "keyed-id", null, "patient moved away", false, CANCELLED));
    }

    private TestExecutor<AppointmentHandoff> givenBooked() {
        return fixture.givenCurrentTime(NOW).andGiven(booked());
    }

    private static AppointmentBooked booked() {
        return new AppointmentBooked(ID, null, PATIENT, NORTHSIDE, Set.of(NORTHSIDE), SLOT, "Room 4", "follow-up",
                BOOKED);
    }

    private static AppointmentProposed proposed() {
        return new AppointmentProposed(ID, null, PATIENT, NORTHSIDE, Set.of(NORTHSIDE), List.of(SLOT, LATER),
                "Room 4", "follow-up", PROPOSED);
    }

    private static Actor actor(String userId, String organisation, String... roles) {
        return new Actor(userId, organisation, Set.of(roles), null, PurposeOfUse.TREATMENT);
    }
}

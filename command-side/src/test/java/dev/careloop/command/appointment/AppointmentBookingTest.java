package dev.careloop.command.appointment;

import dev.careloop.api.Actor;
import dev.careloop.api.MetadataKeys;
import dev.careloop.api.TestPatients;
import dev.careloop.api.Patient;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.appointment.*;
import dev.careloop.api.referral.Appointment;
import dev.careloop.api.referral.CancelVisit;
import dev.careloop.api.referral.FollowAppointment;
import dev.careloop.api.referral.FollowAppointment.Change;
import dev.careloop.api.referral.RecordNoShow;
import dev.careloop.api.referral.RescheduleVisit;
import dev.careloop.api.referral.ScheduleVisit;
import dev.careloop.api.referral.PlanVisit;
import dev.careloop.api.referral.PlanVisit.Visit;
import dev.careloop.command.rules.Refusal;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.messaging.MessageHandler;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.careloop.api.appointment.AppointmentStatus.*;
import static dev.careloop.command.CommandTesting.by;
import static org.assertj.core.api.Assertions.assertThat;
import static dev.careloop.command.CommandTesting.invalidField;
import static dev.careloop.command.CommandTesting.refusal;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;
import static org.axonframework.test.matchers.Matchers.matches;
import static org.axonframework.test.matchers.Matchers.payloadsMatching;
import static org.hamcrest.Matchers.equalTo;

/**
 * A referral's visit booked and changed through its appointment: the referral is asked first with
 * {@link PlanVisit} (here a stand-in on the command bus answering what the real one would) and the appointment
 * carries the change out.
 */
class AppointmentBookingTest {

    private static final String REFERRAL = "referral-1";
    private static final String ID = "appointment-1";
    private static final String NORTHSIDE = "northside-gp";
    private static final String RIVERSIDE = "riverside-derm";
    private static final Actor RIVER_STAFF = new Actor("dr-river", RIVERSIDE, Set.of(Actor.CLINICIAN), null,
            PurposeOfUse.TREATMENT);
    private static final Patient PATIENT = TestPatients.patient("urn:oid:1.2.3", "MRN-77", "Ada Lovelace",
            LocalDate.of(1980, 1, 2));
    private static final Instant NOW = Instant.parse("2026-11-23T09:00:00Z");
    private static final Slot SLOT = new Slot(NOW.plus(Duration.ofDays(3)), NOW.plus(Duration.ofDays(3)).plusSeconds(1800));
    private static final Slot LATER = new Slot(NOW.plus(Duration.ofDays(5)), NOW.plus(Duration.ofDays(5)).plusSeconds(1800));

    private AggregateTestFixture<AppointmentHandoff> fixture;
    /** What the stand-in referral does with the next PlanVisit it is sent. */
    private MessageHandler<CommandMessage<?>> referral;
    private final List<CommandMessage<?>> asked = new ArrayList<>();
    /** What the stand-in referral was told to follow, in the visit action's own transaction. */
    private final List<Object> followed = new ArrayList<>();

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(AppointmentHandoff.class);
        ReminderPolicy reminders = new ReminderPolicy(Duration.ofHours(24), Clock.fixed(NOW, ZoneOffset.UTC));
        fixture.registerInjectableResource(reminders);
        fixture.getCommandBus().subscribe(PlanVisit.class.getName(), message -> {
            asked.add(message);
            return referral.handle(message);
        });
        fixture.getCommandBus().subscribe(FollowAppointment.class.getName(), message -> {
            followed.add(message.getPayload());
            return FollowAppointment.Outcome.followed();
        });
        fixture.registerAnnotatedCommandHandler(new AppointmentBooking(fixture.getRepository(),
                DefaultCommandGateway.builder().commandBus(fixture.getCommandBus()).build(), reminders));
    }

    @Test
    void schedulingAReferralBooksItsAppointmentForTheRecipientAndTheReferrerSeesIt() {
        referralAnswers(new Visit(REFERRAL, PATIENT, NORTHSIDE, RIVERSIDE, null, false, 3));
        fixture.givenNoPriorActivity()
                .when(new ScheduleVisit(REFERRAL, ID, new Appointment(SLOT.start(), SLOT.end(), "Room 2")),
                        by(RIVER_STAFF))
                .expectEvents(new AppointmentBooked(ID, REFERRAL, PATIENT, RIVERSIDE, Set.of(RIVERSIDE, NORTHSIDE),
                        SLOT, "Room 2", null, BOOKED))
                // the referral's version once it has followed the booking
                .expectResultMessagePayload(3L);
        assertThat(followed).containsExactly(new FollowAppointment(REFERRAL, ID, 1, Change.BOOKED,
                new Appointment(SLOT.start(), SLOT.end(), "Room 2"), null));
    }

    @Test
    void theReferralIsAskedOnTheCallersBehalfWithTheVersionTheCallerLastSaw() {
        referralAnswers(new Visit(REFERRAL, PATIENT, NORTHSIDE, RIVERSIDE, ID, true, 5));
        fixture.givenCurrentTime(NOW).andGiven(booked())
                .when(new CancelVisit(REFERRAL, "clinic closed"), by(RIVER_STAFF, 4))
                .expectSuccessfulHandlerExecution();
        assertThat(asked).singleElement().satisfies(message -> {
            assertThat(message.getPayload()).isEqualTo(new PlanVisit(REFERRAL, PlanVisit.Action.CANCEL));
            assertThat(message.getMetaData()).containsEntry(MetadataKeys.USER, "dr-river")
                    .containsEntry(MetadataKeys.ORGANISATION, RIVERSIDE)
                    .containsEntry(MetadataKeys.EXPECTED_VERSION, 4L);
        });
    }

    @Test
    void bookingThroughTheAppointmentApiForAReferralTakesThePatientFromTheReferral() {
        referralAnswers(new Visit(REFERRAL, PATIENT, NORTHSIDE, RIVERSIDE, null, false, 3));
        fixture.givenNoPriorActivity()
                .when(new BookAppointment(ID, REFERRAL, PATIENT, SLOT, null, null), by(RIVER_STAFF))
                .expectException(invalidField("patient", equalTo("comes from the referral; leave it out")))
                .expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new BookAppointment(ID, REFERRAL, null, SLOT, null, null), by(RIVER_STAFF))
                .expectEvents(new AppointmentBooked(ID, REFERRAL, PATIENT, RIVERSIDE, Set.of(RIVERSIDE, NORTHSIDE),
                        SLOT, null, null, BOOKED))
                .expectResultMessagePayload(1L);
    }

    @Test
    void slotsCanBeProposedForAReferral() {
        referralAnswers(new Visit(REFERRAL, PATIENT, NORTHSIDE, RIVERSIDE, null, false, 3));
        fixture.givenNoPriorActivity()
                .when(new ProposeAppointment(ID, REFERRAL, null, java.util.List.of(SLOT, LATER), null, null),
                        by(RIVER_STAFF))
                .expectEvents(new AppointmentProposed(ID, REFERRAL, PATIENT, RIVERSIDE, Set.of(RIVERSIDE, NORTHSIDE),
                        java.util.List.of(SLOT, LATER), null, null, PROPOSED));
    }

    @Test
    void whatTheReferralRefusesCreatesNoAppointment() {
        referral = message -> {
            throw new Refusal(Refusal.Kind.CONFLICT, "a referral that is declined cannot be scheduled");
        };
        fixture.givenNoPriorActivity()
                .when(new ScheduleVisit(REFERRAL, ID, new Appointment(SLOT.start(), SLOT.end(), null)),
                        by(RIVER_STAFF))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("a referral that is declined cannot be scheduled")))
                .expectNoEvents();
    }

    @Test
    void anUnknownReferralIsNotFound() {
        referral = message -> {
            throw new AggregateNotFoundException(REFERRAL, "no referral");
        };
        fixture.givenNoPriorActivity()
                .when(new ScheduleVisit(REFERRAL, ID, new Appointment(SLOT.start(), SLOT.end(), null)),
                        by(RIVER_STAFF))
                .expectException(refusal(Refusal.Kind.NOT_FOUND, equalTo("no such referral")))
                .expectNoEvents();
    }

    @Test
    void reschedulingAReferralMovesItsBookedAppointment() {
        referralAnswers(new Visit(REFERRAL, PATIENT, NORTHSIDE, RIVERSIDE, ID, true, 5));
        fixture.givenCurrentTime(NOW).andGiven(booked())
                .when(new RescheduleVisit(REFERRAL, new Appointment(LATER.start(), LATER.end(), null), "sick"),
                        by(RIVER_STAFF))
                .expectEvents(new AppointmentRescheduled(ID, PATIENT.patientId(), REFERRAL, LATER, "Room 2", "sick",
                        BOOKED))
                .expectResultMessagePayload(5L);
        // where the appointment now is: the location it kept, at the appointment's new version
        assertThat(followed).containsExactly(new FollowAppointment(REFERRAL, ID, 2, Change.RESCHEDULED,
                new Appointment(LATER.start(), LATER.end(), "Room 2"), "sick"));
    }

    @Test
    void reschedulingAMissedVisitBooksANewAppointment() {
        referralAnswers(new Visit(REFERRAL, PATIENT, NORTHSIDE, RIVERSIDE, ID, false, 6));
        // the missed appointment itself is not touched (the fixture holds only the new one)
        fixture.givenCurrentTime(NOW)
                .when(new RescheduleVisit(REFERRAL, new Appointment(LATER.start(), LATER.end(), null), "missed"),
                        by(RIVER_STAFF))
                .expectEventsMatching(payloadsMatching(exactSequenceOf(matches(payload ->
                        payload instanceof AppointmentBooked booked && !booked.appointmentId().equals(ID)
                                && booked.referralId().equals(REFERRAL) && booked.slot().equals(LATER)))))
                .expectResultMessagePayload(6L);
    }

    @Test
    void aNoShowOnTheReferralMarksItsAppointment() {
        referralAnswers(new Visit(REFERRAL, PATIENT, NORTHSIDE, RIVERSIDE, ID, true, 5));
        fixture.givenCurrentTime(NOW).andGiven(booked())
                .when(new RecordNoShow(REFERRAL), by(RIVER_STAFF))
                .expectEvents(new PatientDidNotAttend(ID, REFERRAL, NO_SHOW));
        assertThat(followed).containsExactly(new FollowAppointment(REFERRAL, ID, 2, Change.NO_SHOW, null, null));
    }

    @Test
    void cancellingTheReferralsVisitCancelsItsAppointmentAndTheReferralFollows() {
        referralAnswers(new Visit(REFERRAL, PATIENT, NORTHSIDE, RIVERSIDE, ID, true, 5));
        fixture.givenCurrentTime(NOW).andGiven(booked())
                .when(new CancelVisit(REFERRAL, "clinic closed"), by(RIVER_STAFF))
                // not byReferral: the clinic cancelled it, and the referral follows (here, and again from the process manager)
                .expectEvents(new AppointmentCancelled(ID, PATIENT.patientId(), REFERRAL, "clinic closed", false,
                        CANCELLED));
        assertThat(followed).containsExactly(new FollowAppointment(REFERRAL, ID, 2, Change.CANCELLED, null,
                "clinic closed"));
    }

    private void referralAnswers(Visit visit) {
        referral = message -> visit;
    }

    private static AppointmentBooked booked() {
        return new AppointmentBooked(ID, REFERRAL, PATIENT, RIVERSIDE, Set.of(RIVERSIDE, NORTHSIDE), SLOT, "Room 2",
                null, BOOKED);
    }
}

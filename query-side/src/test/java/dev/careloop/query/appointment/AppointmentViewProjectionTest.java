package dev.careloop.query.appointment;

import dev.careloop.api.Patient;
import dev.careloop.api.TestPatients;
import dev.careloop.api.appointment.*;
import dev.careloop.api.privacy.PatientErased;
import dev.careloop.query.ReadModelDatabase;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.careloop.query.appointment.AppointmentTestData.*;
import static org.assertj.core.api.Assertions.assertThat;

/** The appointment_view row through an appointment's life, against PostgreSQL with the real migrations. */
class AppointmentViewProjectionTest {

    private final AppointmentReadModel readModel = new AppointmentReadModel(ReadModelDatabase.jdbc(),
            ReadModelDatabase.JSON);
    private final AppointmentViewProjection projection = new AppointmentViewProjection(ReadModelDatabase.stores(),
            ReadModelDatabase.JSON);
    private final ReadModelDatabase.Projections projections = new ReadModelDatabase.Projections(projection,
            new AppointmentHistoryProjection(ReadModelDatabase.stores(), ReadModelDatabase.journal()));
    private final AppointmentTestData log = new AppointmentTestData();

    @BeforeEach
    void startEmpty() {
        emptyTables();
    }

    @Test
    void bookingCreatesARowThatIsBookedForTheSlot() {
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)));

        AppointmentView view = readModel.find("a1", DERM).orElseThrow();
        assertThat(view.status()).isEqualTo(AppointmentStatus.BOOKED);
        assertThat(view.slot()).isEqualTo(MONDAY_9);
        assertThat(view.referralId()).isEqualTo("ref-a1");
        assertThat(view.patient()).isEqualTo(ADA);
        assertThat(view.performer()).isEqualTo(DERM);
        assertThat(view.participants()).containsExactly(DERM, GP);
        assertThat(view.location()).isEqualTo("Room 4");
        assertThat(view.description()).isEqualTo("Dermatology consult");
        assertThat(view.proposedSlots()).isEmpty();
        assertThat(view.reminderSent()).isFalse();
        assertThat(view.version()).isEqualTo(1);
    }

    @Test
    void aProposalOffersItsSlotsUntilOneIsBooked() {
        projections.deliver(log.by(DERM, "dr-rivers", proposed("a1")));
        AppointmentView offered = readModel.find("a1", GP).orElseThrow();
        assertThat(offered.status()).isEqualTo(AppointmentStatus.PROPOSED);
        assertThat(offered.slot()).isNull();
        assertThat(offered.proposedSlots()).containsExactly(TUESDAY_14, MONDAY_9);
        assertThat(startsAt("a1")).isEqualTo(MONDAY_9.start());

        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", TUESDAY_14)));
        AppointmentView booked = readModel.find("a1", GP).orElseThrow();
        assertThat(booked.status()).isEqualTo(AppointmentStatus.BOOKED);
        assertThat(booked.slot()).isEqualTo(TUESDAY_14);
        assertThat(booked.proposedSlots()).isEmpty();
        assertThat(booked.createdAt()).isEqualTo(offered.createdAt());
        assertThat(booked.version()).isEqualTo(2);
    }

    @Test
    void reschedulingMovesTheSlotAndKeepsTheLocationWhenNoneIsGiven() {
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)),
                log.by(DERM, "dr-rivers", new AppointmentRescheduled("a1", ADA.patientId(), "ref-a1", TUESDAY_14, null,
                        "clinic closed on Monday", AppointmentStatus.BOOKED)));

        AppointmentView view = readModel.find("a1", DERM).orElseThrow();
        assertThat(view.slot()).isEqualTo(TUESDAY_14);
        assertThat(view.location()).isEqualTo("Room 4");
        assertThat(view.status()).isEqualTo(AppointmentStatus.BOOKED);
        assertThat(view.version()).isEqualTo(2);
    }

    @Test
    void aReminderIsRecordedAndARescheduleMakesItDueAgain() {
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)),
                log.by(DERM, "system", new AppointmentReminderDue("a1", "ref-a1", MONDAY_9.start(),
                        AppointmentStatus.BOOKED)));
        assertThat(readModel.find("a1", DERM).orElseThrow().reminderSent()).isTrue();

        projections.deliver(log.by(DERM, "dr-rivers", new AppointmentRescheduled("a1", ADA.patientId(), "ref-a1",
                TUESDAY_14, "Room 7", "patient asked", AppointmentStatus.BOOKED)));
        AppointmentView view = readModel.find("a1", DERM).orElseThrow();
        assertThat(view.reminderSent()).isFalse();
        assertThat(view.location()).isEqualTo("Room 7");
    }

    @Test
    void cancellingKeepsTheSlotAndRecordsTheReason() {
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)),
                log.by(DERM, "dr-rivers", new AppointmentCancelled("a1", ADA.patientId(), "ref-a1",
                        "patient moved away", false, AppointmentStatus.CANCELLED)));

        AppointmentView view = readModel.find("a1", GP).orElseThrow();
        assertThat(view.status()).isEqualTo(AppointmentStatus.CANCELLED);
        assertThat(view.cancellationReason()).isEqualTo("patient moved away");
        assertThat(view.slot()).isEqualTo(MONDAY_9);
    }

    @Test
    void anArrivedPatientsAppointmentIsThenFulfilled() {
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)),
                log.by(DERM, "front-desk", new PatientArrived("a1", "ref-a1", AppointmentStatus.ARRIVED)));
        assertThat(readModel.find("a1", DERM).orElseThrow().status()).isEqualTo(AppointmentStatus.ARRIVED);

        projections.deliver(log.by(DERM, "dr-rivers", new AppointmentFulfilled("a1", "ref-a1",
                AppointmentStatus.FULFILLED)));
        AppointmentView view = readModel.find("a1", DERM).orElseThrow();
        assertThat(view.status()).isEqualTo(AppointmentStatus.FULFILLED);
        assertThat(view.version()).isEqualTo(3);
    }

    @Test
    void aPatientWhoDidNotAttendIsMarkedAsANoShow() {
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)),
                log.by(DERM, "front-desk", new PatientDidNotAttend("a1", "ref-a1", AppointmentStatus.NO_SHOW)));

        AppointmentView view = readModel.find("a1", GP).orElseThrow();
        assertThat(view.status()).isEqualTo(AppointmentStatus.NO_SHOW);
        assertThat(view.slot()).isEqualTo(MONDAY_9);
    }

    @Test
    void aHandOffMakesTheNewOrganisationThePerformerAndTheOldOneStillSeesIt() {
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)),
                log.by(DERM, "dr-rivers", new AppointmentHandedOff("a1", ADA.patientId(), "ref-a1", DERM, HOSPITAL,
                        "needs day surgery", AppointmentStatus.BOOKED)));

        AppointmentView view = readModel.find("a1", HOSPITAL).orElseThrow();
        assertThat(view.performer()).isEqualTo(HOSPITAL);
        assertThat(view.participants()).containsExactly(DERM, GP, HOSPITAL);
        assertThat(readModel.find("a1", DERM)).isPresent();
        assertThat(readModel.find("a1", GP)).isPresent();
    }

    @Test
    void redeliveringEventsChangesNothing() {
        var booked = log.by(DERM, "dr-rivers", booked("a1", MONDAY_9));
        var handedOff = log.by(DERM, "dr-rivers", new AppointmentHandedOff("a1", ADA.patientId(), "ref-a1", DERM,
                HOSPITAL, "needs day surgery", AppointmentStatus.BOOKED));
        var cancelled = log.by(HOSPITAL, "dr-harbour", new AppointmentCancelled("a1", ADA.patientId(), "ref-a1",
                "no theatre slot", false, AppointmentStatus.CANCELLED));
        projections.deliver(booked, handedOff, cancelled);
        String before = row("a1");
        List<AppointmentReadModel.HistoryEntry> historyBefore = readModel.history("a1");

        projections.deliver(booked, handedOff, cancelled, handedOff);

        assertThat(row("a1")).isEqualTo(before);
        assertThat(readModel.history("a1")).isEqualTo(historyBefore).hasSize(3);
    }

    @Test
    void confirmingAProposalAppendsTheBookingsNewParticipantsAndKeepsWhatTheBookingDoesNotName() {
        projections.deliver(log.by(DERM, "dr-rivers", proposed("a1")),
                log.by(HOSPITAL, "dr-harbour", new AppointmentBooked("a1", "ref-a1", ADA, HOSPITAL,
                        Set.of(STRANGER, GP), TUESDAY_14, null, null, AppointmentStatus.BOOKED)));

        AppointmentView booked = readModel.find("a1", HOSPITAL).orElseThrow();
        assertThat(booked.performer()).isEqualTo(HOSPITAL);
        assertThat(booked.participants()).containsExactly(DERM, GP, HOSPITAL, STRANGER);
        assertThat(booked.location()).isEqualTo("Room 4");
        assertThat(booked.description()).isEqualTo("Dermatology consult");
        assertThat(booked.proposedSlots()).isEmpty();
        assertThat(startsAt("a1")).isEqualTo(TUESDAY_14.start());
    }

    @Test
    void aProposalRedeliveredAfterTheBookingChangesNothing() {
        var proposed = log.by(DERM, "dr-rivers", proposed("a1"));
        projections.deliver(proposed, log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)));
        String before = row("a1");

        projections.deliver(proposed);

        assertThat(row("a1")).isEqualTo(before);
        assertThat(readModel.find("a1").orElseThrow().status()).isEqualTo(AppointmentStatus.BOOKED);
    }

    @Test
    void anAppointmentWithoutAPatientKeepsNoPatientThroughItsChanges() {
        projections.deliver(log.by(DERM, "dr-rivers", new AppointmentBooked("a1", null, null, DERM, Set.of(DERM),
                        MONDAY_9, "Room 4", null, AppointmentStatus.BOOKED)),
                log.by(DERM, "dr-rivers", new AppointmentRescheduled("a1", null, null, TUESDAY_14, null, "moved",
                        AppointmentStatus.BOOKED)));

        AppointmentView view = readModel.find("a1", DERM).orElseThrow();
        assertThat(view.patient()).isNull();
        assertThat(view.slot()).isEqualTo(TUESDAY_14);
        assertThat(view.version()).isEqualTo(2);
    }

    @Test
    void erasureScrubsThePatientAndTheirClinicalTextFromTheAppointmentViewOnceAndLeavesOtherPatientsAlone() {
        Patient grace = TestPatients.patient("urn:careloop:northside-gp:mrn", "MRN-2", "Grace Hopper", null);
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)),
                log.by(DERM, "dr-rivers", new AppointmentCancelled("a1", ADA.patientId(), "ref-a1", "feels worse",
                        false, AppointmentStatus.CANCELLED)),
                log.by(DERM, "dr-rivers", new AppointmentBooked("a2", null, grace, DERM, Set.of(DERM), MONDAY_9,
                        null, "Mole check", AppointmentStatus.BOOKED)));

        assertThat(projection.scrub(ADA.patientId())).isEqualTo(1);
        assertThat(projection.scrub(ADA.patientId())).as("already erased").isZero();

        AppointmentView erased = readModel.find("a1").orElseThrow();
        assertThat(erased.patient()).isEqualTo(Patient.erased(ADA.patientId()));
        assertThat(erased.version()).as("an erasure is no event of the appointment").isEqualTo(2);
        assertThat(ReadModelDatabase.jdbc().queryForMap("SELECT description, cancellation_reason "
                + "FROM appointment_view WHERE appointment_id = 'a1'")).containsEntry("description", "(erased)")
                .containsEntry("cancellation_reason", "(erased)");
        AppointmentView kept = readModel.find("a2").orElseThrow();
        assertThat(kept.patient()).isEqualTo(grace);
        assertThat(kept.description()).isEqualTo("Mole check");
    }

    @Test
    void aPatientErasedEventScrubsTheAppointmentView() {
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)),
                new GenericEventMessage<>(new PatientErased(ADA.patientId(), "request", 2)));

        assertThat(readModel.find("a1").orElseThrow().patient()).isEqualTo(Patient.erased(ADA.patientId()));
    }

    @Test
    void aResetEmptiesTheViewAndTheHistoryForARebuild() {
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)));

        projections.reset();

        assertThat(readModel.find("a1")).isEmpty();
        assertThat(readModel.history("a1")).isEmpty();
    }
}

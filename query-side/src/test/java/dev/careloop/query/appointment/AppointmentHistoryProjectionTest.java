package dev.careloop.query.appointment;

import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.appointment.*;
import dev.careloop.query.ReadModelDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.careloop.query.appointment.AppointmentTestData.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** appointment_history: every event, in order, with who did it, for which organisation, in which request. */
class AppointmentHistoryProjectionTest {

    private final AppointmentReadModel readModel = new AppointmentReadModel(ReadModelDatabase.jdbc(),
            ReadModelDatabase.JSON);
    private final ReadModelDatabase.Projections projections = new ReadModelDatabase.Projections(
            new AppointmentViewProjection(ReadModelDatabase.stores(), ReadModelDatabase.JSON),
            new AppointmentHistoryProjection(ReadModelDatabase.stores(), ReadModelDatabase.journal()));
    private final AppointmentTestData log = new AppointmentTestData();

    @BeforeEach
    void startEmpty() {
        emptyTables();
    }

    @Test
    void theHistoryListsEveryEventWithItsActor() {
        projections.deliver(
                log.by(DERM, "dr-rivers", proposed("a1")),
                log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)),
                log.by(DERM, "dr-rivers", new AppointmentRescheduled("a1", null, "ref-a1", TUESDAY_14, null,
                        "clinic closed", AppointmentStatus.BOOKED)),
                log.by(DERM, "system", new AppointmentReminderDue("a1", "ref-a1", TUESDAY_14.start(),
                        AppointmentStatus.BOOKED)),
                log.by(DERM, "dr-rivers", new AppointmentHandedOff("a1", null, "ref-a1", DERM, HOSPITAL,
                        "needs day surgery", AppointmentStatus.BOOKED)),
                log.by(HOSPITAL, "front-desk", new PatientArrived("a1", "ref-a1", AppointmentStatus.ARRIVED)),
                log.by(HOSPITAL, "dr-harbour", new AppointmentFulfilled("a1", "ref-a1",
                        AppointmentStatus.FULFILLED)));

        List<AppointmentReadModel.HistoryEntry> history = readModel.history("a1");

        assertThat(history).extracting(AppointmentReadModel.HistoryEntry::sequence,
                        AppointmentReadModel.HistoryEntry::event, AppointmentReadModel.HistoryEntry::status,
                        AppointmentReadModel.HistoryEntry::user, AppointmentReadModel.HistoryEntry::organisation)
                .containsExactly(
                        tuple(0L, "AppointmentProposed", AppointmentStatus.PROPOSED, "dr-rivers", DERM),
                        tuple(1L, "AppointmentBooked", AppointmentStatus.BOOKED, "dr-rivers", DERM),
                        tuple(2L, "AppointmentRescheduled", AppointmentStatus.BOOKED, "dr-rivers", DERM),
                        tuple(3L, "AppointmentReminderDue", AppointmentStatus.BOOKED, "system", DERM),
                        tuple(4L, "AppointmentHandedOff", AppointmentStatus.BOOKED, "dr-rivers", DERM),
                        tuple(5L, "PatientArrived", AppointmentStatus.ARRIVED, "front-desk", HOSPITAL),
                        tuple(6L, "AppointmentFulfilled", AppointmentStatus.FULFILLED, "dr-harbour", HOSPITAL));
    }

    @Test
    void anEntryRecordsRolePurposeRequestAndCauseAndWhatChanged() {
        projections.deliver(log.by(DERM, "dr-rivers", booked("a1", MONDAY_9)),
                log.by(DERM, "dr-rivers", new AppointmentCancelled("a1", null, "ref-a1", "patient moved away", false,
                        AppointmentStatus.CANCELLED)));

        AppointmentReadModel.HistoryEntry cancelled = readModel.history("a1").get(1);

        assertThat(cancelled.roles()).isEqualTo("coordinator");
        assertThat(cancelled.client()).isEqualTo("careloop-web");
        assertThat(cancelled.purposeOfUse()).isEqualTo(PurposeOfUse.TREATMENT);
        assertThat(cancelled.correlationId()).isEqualTo("req-a1-1");
        assertThat(cancelled.causationId()).isEqualTo("cmd-a1-1");
        assertThat(cancelled.occurredAt()).isNotNull();
        assertThat(cancelled.details().get("reason").asString()).isEqualTo("patient moved away");
        assertThat(cancelled.details().get("referralId").asString()).isEqualTo("ref-a1");
        assertThat(cancelled.details().has("appointmentId")).isFalse();
    }
}

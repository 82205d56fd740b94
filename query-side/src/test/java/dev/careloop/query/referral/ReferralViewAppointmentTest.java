package dev.careloop.query.referral;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.TestPatients;
import dev.careloop.api.Patient;
import dev.careloop.api.referral.*;
import dev.careloop.query.ReadModelDatabase;
import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The referral view names the appointment its visit is booked as, and follows it through moves and cancels. */
class ReferralViewAppointmentTest {

    private static final String GP = "northside-gp";
    private static final String DERM = "riverside-derm";
    private static final Appointment MONDAY_9 = new Appointment(Instant.parse("2026-12-07T09:00:00Z"),
            Instant.parse("2026-12-07T09:30:00Z"), "Room 4");
    private static final Appointment TUESDAY_14 = new Appointment(Instant.parse("2026-12-08T14:00:00Z"),
            Instant.parse("2026-12-08T14:30:00Z"), "Room 7");

    private final ReferralReadModel readModel = new ReferralReadModel(ReadModelDatabase.jdbc(),
            ReadModelDatabase.JSON);
    private final ReadModelDatabase.Projections projections = new ReadModelDatabase.Projections(
            new ReferralViewProjection(ReadModelDatabase.stores()),
            new ReferralTimelineProjection(ReadModelDatabase.stores(), ReadModelDatabase.journal()));
    private long nextSequence;

    @BeforeEach
    void anAcceptedReferral() {
        ReadModelDatabase.jdbc().update("DELETE FROM referral_view");
        ReadModelDatabase.jdbc().update("DELETE FROM referral_timeline");
        projections.deliver(
                event(GP, new ReferralSent("r1", "GP-0001", "urn:careloop:northside-gp:referral", GP, DERM,
                        TestPatients.patient("urn:careloop:northside-gp:mrn", "MRN-1", "Ada Lovelace", LocalDate.of(1980, 1, 2)),
                        Priority.ROUTINE, "Dermatology", "Changing mole", null, Instant.parse("2026-12-20T00:00:00Z"),
                        null, ReferralStatus.CREATED)),
                event(DERM, new ReferralAccepted("r1", ReferralStatus.ACCEPTED)));
    }

    @Test
    void aScheduledVisitNamesItsAppointment() {
        projections.deliver(event(DERM, new VisitScheduled("r1", "a1", 1, MONDAY_9, ReferralStatus.SCHEDULED)));

        ReferralView view = readModel.find("r1", GP).orElseThrow();
        assertThat(view.appointmentId()).isEqualTo("a1");
        assertThat(view.appointment()).isEqualTo(MONDAY_9);
        assertThat(view.status()).isEqualTo(ReferralStatus.SCHEDULED);
    }

    @Test
    void aRescheduledVisitKeepsItsAppointmentAtTheNewTime() {
        projections.deliver(event(DERM, new VisitScheduled("r1", "a1", 1, MONDAY_9, ReferralStatus.SCHEDULED)),
                event(DERM, new VisitRescheduled("r1", null, "a1", 2, TUESDAY_14, "clinic closed",
                        ReferralStatus.SCHEDULED)));

        ReferralView view = readModel.find("r1", DERM).orElseThrow();
        assertThat(view.appointmentId()).isEqualTo("a1");
        assertThat(view.appointment()).isEqualTo(TUESDAY_14);
    }

    @Test
    void aCancelledVisitLeavesTheReferralWithoutAnAppointmentUntilTheNextOne() {
        projections.deliver(event(DERM, new VisitScheduled("r1", "a1", 1, MONDAY_9, ReferralStatus.SCHEDULED)),
                event(DERM, new VisitCancelled("r1", null, "a1", 2, "patient unwell",
                        ReferralStatus.APPOINTMENT_CANCELLED)));

        ReferralView cancelled = readModel.find("r1", GP).orElseThrow();
        assertThat(cancelled.appointmentId()).isNull();
        assertThat(cancelled.appointment()).isNull();
        assertThat(cancelled.status()).isEqualTo(ReferralStatus.APPOINTMENT_CANCELLED);

        projections.deliver(event(DERM, new VisitScheduled("r1", "a2", 1, TUESDAY_14, ReferralStatus.SCHEDULED)));
        ReferralView rebooked = readModel.find("r1", GP).orElseThrow();
        assertThat(rebooked.appointmentId()).isEqualTo("a2");
        assertThat(rebooked.appointment()).isEqualTo(TUESDAY_14);
    }

    @Test
    void aNoShowKeepsTheAppointmentItWasAbout() {
        projections.deliver(event(DERM, new VisitScheduled("r1", "a1", 1, MONDAY_9, ReferralStatus.SCHEDULED)),
                event(DERM, new NoShowRecorded("r1", "a1", 2, ReferralStatus.NO_SHOW)));

        ReferralView view = readModel.find("r1", GP).orElseThrow();
        assertThat(view.appointmentId()).isEqualTo("a1");
        assertThat(view.status()).isEqualTo(ReferralStatus.NO_SHOW);
    }

    @Test
    void aRedeliveredVisitScheduledDoesNotUndoTheCancellationAfterIt() {
        var scheduled = event(DERM, new VisitScheduled("r1", "a1", 1, MONDAY_9, ReferralStatus.SCHEDULED));
        projections.deliver(scheduled,
                event(DERM, new VisitCancelled("r1", null, "a1", 2, "patient unwell",
                        ReferralStatus.APPOINTMENT_CANCELLED)));

        projections.deliver(scheduled);

        ReferralView view = readModel.find("r1", GP).orElseThrow();
        assertThat(view.appointmentId()).isNull();
        assertThat(view.version()).isEqualTo(4);
        assertThat(readModel.timeline("r1")).hasSize(4);
    }

    @Test
    void aConsultReportSentBeforeTheBookedVisitTakesThatVisitOffTheReferral() {
        // The process manager cancels a visit still ahead when the report arrives, without a word back to the referral.
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofDays(7));
        Appointment nextWeek = new Appointment(start, start.plus(Duration.ofMinutes(30)), "Room 4");
        projections.deliver(event(DERM, new VisitScheduled("r1", "a1", 1, nextWeek, ReferralStatus.SCHEDULED)),
                event(DERM, new OutcomeSent("r1", null, "Benign naevus; no follow-up", ReferralStatus.COMPLETED)));

        ReferralView view = readModel.find("r1", GP).orElseThrow();
        assertThat(view.status()).isEqualTo(ReferralStatus.COMPLETED);
        assertThat(view.consultReport()).isEqualTo("Benign naevus; no follow-up");
        assertThat(view.appointmentId()).isNull();
        assertThat(view.appointment()).isNull();
    }

    @Test
    void aConsultReportAfterTheVisitKeepsTheVisitItReportsOn() {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));
        Appointment yesterday = new Appointment(start, start.plus(Duration.ofMinutes(30)), "Room 4");
        projections.deliver(event(DERM, new VisitScheduled("r1", "a1", 1, yesterday, ReferralStatus.SCHEDULED)),
                event(DERM, new OutcomeSent("r1", null, "Benign naevus; no follow-up", ReferralStatus.COMPLETED)));

        ReferralView view = readModel.find("r1", GP).orElseThrow();
        assertThat(view.appointmentId()).isEqualTo("a1");
        assertThat(view.appointment()).isEqualTo(yesterday);
    }

    private DomainEventMessage<Object> event(String org, ReferralEvent e) {
        return ReadModelDatabase.event("Referral", e.referralId(), nextSequence++, e,
                Map.of(MetadataKeys.USER, "staff-of-" + org, MetadataKeys.ORGANISATION, org));
    }
}

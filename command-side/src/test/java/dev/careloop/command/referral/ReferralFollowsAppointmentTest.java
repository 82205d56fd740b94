package dev.careloop.command.referral;

import dev.careloop.api.referral.CancellationRequested;
import dev.careloop.api.referral.FollowAppointment;
import dev.careloop.api.referral.FollowAppointment.Change;
import dev.careloop.api.referral.FollowAppointment.Outcome;
import dev.careloop.api.referral.NoShowRecorded;
import dev.careloop.api.referral.VisitCancelled;
import dev.careloop.api.referral.VisitScheduled;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import static dev.careloop.api.referral.ReferralStatus.*;
import static dev.careloop.command.referral.ReferralTestData.*;

/**
 * The referral following its appointment's changes, as the process manager reports them. It never refuses by
 * throwing (that would roll back the process manager's transaction); it answers what it did.
 */
class ReferralFollowsAppointmentTest {

    private final AggregateTestFixture<Referral> fixture = referralFixture();

    @Test
    void aBookedAppointmentSchedulesTheReferral() {
        fixture.given(history(ACCEPTED))
                .when(follow(NEXT_APPOINTMENT_ID, 1, Change.BOOKED))
                .expectEvents(new VisitScheduled(REFERRAL_ID, NEXT_APPOINTMENT_ID, 1, APPOINTMENT, SCHEDULED))
                .expectResultMessagePayload(Outcome.followed());
    }

    @Test
    void aBookingFollowedBeforeIsNotRecordedTwice() {
        fixture.given(history(SCHEDULED))
                .when(follow(APPOINTMENT_ID, 1, Change.BOOKED))
                .expectNoEvents()
                .expectResultMessagePayload(Outcome.alreadyFollowed());
    }

    @Test
    void anOlderChangeArrivingLateIsIgnored() {
        fixture.given(history(APPOINTMENT_CANCELLED))
                .when(follow(APPOINTMENT_ID, 1, Change.RESCHEDULED))
                .expectNoEvents()
                .expectResultMessagePayload(Outcome.alreadyFollowed());
    }

    @Test
    void aFormerAppointmentsBookingRedeliveredAfterTheNextOneWasCancelledIsNotFollowedAgain() {
        fixture.given(referralSent(), accepted(), visitScheduled(),
                        new VisitCancelled(REFERRAL_ID, PATIENT.patientId(), APPOINTMENT_ID, 2,
                                APPOINTMENT_CANCEL_REASON, APPOINTMENT_CANCELLED),
                        new VisitScheduled(REFERRAL_ID, NEXT_APPOINTMENT_ID, 1, APPOINTMENT, SCHEDULED),
                        new VisitCancelled(REFERRAL_ID, PATIENT.patientId(), NEXT_APPOINTMENT_ID, 2,
                                APPOINTMENT_CANCEL_REASON, APPOINTMENT_CANCELLED))
                .when(follow(APPOINTMENT_ID, 1, Change.BOOKED))
                .expectNoEvents()
                .expectResultMessagePayload(Outcome.alreadyFollowed());
    }

    @Test
    void aSecondAppointmentIsRefusedWhileOneIsBooked() {
        fixture.given(history(SCHEDULED))
                .when(follow(NEXT_APPOINTMENT_ID, 1, Change.BOOKED))
                .expectNoEvents()
                .expectResultMessagePayload(Outcome.refused("the referral already has appointment " + APPOINTMENT_ID));
    }

    @Test
    void aBookingForADeclinedReferralIsRefused() {
        fixture.given(history(DECLINED))
                .when(follow(NEXT_APPOINTMENT_ID, 1, Change.BOOKED))
                .expectNoEvents()
                .expectResultMessagePayload(Outcome.refused("a referral that is declined cannot be scheduled"));
    }

    @Test
    void aNoShowWhileCancellationIsRequestedIsRecordedAndTheStatusStays() {
        fixture.given(referralSent(), accepted(), visitScheduled(),
                        new CancellationRequested(REFERRAL_ID, PATIENT.patientId(), CANCELLATION_REASON,
                                CANCELLATION_REQUESTED))
                .when(follow(APPOINTMENT_ID, 2, Change.NO_SHOW))
                .expectEvents(new NoShowRecorded(REFERRAL_ID, APPOINTMENT_ID, 2, CANCELLATION_REQUESTED))
                .expectResultMessagePayload(Outcome.followed());
    }

    @Test
    void aCancelledAppointmentAfterAnInterimNoteMovesTheReferralToAppointmentCancelled() {
        fixture.given(history(INTERIM_NOTE_SENT))
                .when(new FollowAppointment(REFERRAL_ID, APPOINTMENT_ID, 2, Change.CANCELLED, null,
                        APPOINTMENT_CANCEL_REASON))
                .expectEvents(new VisitCancelled(REFERRAL_ID, PATIENT.patientId(), APPOINTMENT_ID, 2,
                        APPOINTMENT_CANCEL_REASON, APPOINTMENT_CANCELLED));
    }

    @Test
    void aChangeToAnAppointmentThatIsNotTheReferralsIsNotFollowed() {
        fixture.given(history(SCHEDULED))
                .when(follow(NEXT_APPOINTMENT_ID, 2, Change.CANCELLED))
                .expectNoEvents()
                .expectResultMessagePayload(Outcome.refused(
                        "appointment " + NEXT_APPOINTMENT_ID + " is not the referral's current appointment"));
    }

    @Test
    void aNewBookingAfterAMissedVisitSchedulesTheReferralAgain() {
        fixture.given(history(NO_SHOW))
                .when(follow(NEXT_APPOINTMENT_ID, 1, Change.BOOKED))
                .expectEvents(new VisitScheduled(REFERRAL_ID, NEXT_APPOINTMENT_ID, 1, APPOINTMENT, SCHEDULED));
    }

    private static FollowAppointment follow(String appointmentId, long version, Change change) {
        return new FollowAppointment(REFERRAL_ID, appointmentId, version, change,
                change == Change.BOOKED || change == Change.RESCHEDULED ? APPOINTMENT : null, null);
    }
}

package dev.careloop.command.referral;

import dev.careloop.command.rules.Refusal;
import dev.careloop.api.referral.AcceptReferral;
import dev.careloop.api.referral.AcknowledgeOutcome;
import dev.careloop.api.referral.CancelVisit;
import dev.careloop.api.referral.ForwardReferral;
import dev.careloop.api.referral.InterimNoteSent;
import dev.careloop.api.referral.OutcomeAcknowledged;
import dev.careloop.api.referral.RecordNoShow;
import dev.careloop.api.referral.RescheduleVisit;
import dev.careloop.api.referral.ScheduleVisit;
import dev.careloop.api.referral.VisitScheduled;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;
import static org.axonframework.test.matchers.Matchers.matches;
import static org.axonframework.test.matchers.Matchers.payloadsMatching;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import static dev.careloop.api.referral.ReferralStatus.*;
import static dev.careloop.command.referral.ReferralTestData.*;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** Rules the transition table alone cannot express, each refused with its own reason. */
class ReferralRulesTest {

    private final AggregateTestFixture<Referral> fixture = referralFixture();

    @Test
    void aSecondVisitCannotBeScheduledWhileOneIsBooked() {
        fixture.given(history(SCHEDULED))
                .when(new ScheduleVisit(REFERRAL_ID, NEXT_APPOINTMENT_ID, MOVED_APPOINTMENT), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("an appointment is already booked; reschedule it instead")))
                .expectNoEvents();
    }

    @Test
    void aMissedVisitIsRescheduledNotScheduledAgain() {
        fixture.given(history(NO_SHOW))
                .when(new ScheduleVisit(REFERRAL_ID, NEXT_APPOINTMENT_ID, MOVED_APPOINTMENT), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("the patient missed the booked appointment; reschedule it instead")))
                .expectNoEvents();
    }

    @Test
    void aVisitCanBeScheduledAgainOnceTheBookedOneWasCancelled() {
        fixture.given(history(APPOINTMENT_CANCELLED))
                .when(new ScheduleVisit(REFERRAL_ID, NEXT_APPOINTMENT_ID, MOVED_APPOINTMENT), by(RIVERSIDE_CLINICIAN))
                .expectEvents(new VisitScheduled(REFERRAL_ID, NEXT_APPOINTMENT_ID, 1, MOVED_APPOINTMENT, SCHEDULED))
                .expectResultMessagePayload(5L);
    }

    @Test
    void aReferralWithoutAnAppointmentCannotBeRescheduled() {
        fixture.given(history(ACCEPTED))
                .when(new RescheduleVisit(REFERRAL_ID, MOVED_APPOINTMENT, RESCHEDULE_REASON), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("there is no appointment to reschedule; schedule one instead")))
                .expectNoEvents();
    }

    @Test
    void aMissedVisitCanBeRescheduled() {
        fixture.given(history(NO_SHOW))
                .when(new RescheduleVisit(REFERRAL_ID, MOVED_APPOINTMENT, RESCHEDULE_REASON), by(RIVERSIDE_CLINICIAN))
                // a new appointment (its id minted by the booking) is booked, and the referral follows it
                .expectEventsMatching(payloadsMatching(exactSequenceOf(matches(e -> e instanceof VisitScheduled v
                        && !v.appointmentId().equals(APPOINTMENT_ID) && v.appointment().equals(MOVED_APPOINTMENT)
                        && v.status() == SCHEDULED))))
                .expectResultMessagePayload(5L);
    }

    @Test
    void anAppointmentCannotBeCancelledWhenNoneWasEverBooked() {
        // an interim note moves the referral into progress without any visit
        fixture.given(referralSent(), accepted(), new InterimNoteSent(REFERRAL_ID, PATIENT.patientId(), INTERIM_NOTE,
                INTERIM_NOTE_SENT))
                .when(new CancelVisit(REFERRAL_ID, APPOINTMENT_CANCEL_REASON), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.CONFLICT, equalTo("there is no booked appointment to cancel")))
                .expectNoEvents();
    }

    @Test
    void aMissedVisitCannotBeCancelledAsThereIsNoneLeft() {
        fixture.given(history(NO_SHOW))
                .when(new CancelVisit(REFERRAL_ID, APPOINTMENT_CANCEL_REASON), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.CONFLICT, startsWith(
                        "the patient did not attend the booked appointment, so there is none left to cancel")))
                .expectNoEvents();
    }

    @Test
    void aNoShowCannotBeRecordedTwice() {
        fixture.given(history(NO_SHOW))
                .when(new RecordNoShow(REFERRAL_ID), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("a referral that is marked as a no-show cannot be marked as a no-show")))
                .expectNoEvents();
    }

    @Test
    void initiatorAcknowledgesTheOutcomeToCloseTheLoop() {
        fixture.given(history(COMPLETED))
                .when(new AcknowledgeOutcome(REFERRAL_ID), by(NORTHSIDE_COORDINATOR))
                .expectEvents(new OutcomeAcknowledged(REFERRAL_ID, COMPLETED))
                .expectResultMessagePayload(5L);
    }

    @Test
    void anOutcomeCannotBeAcknowledgedTwice() {
        fixture.given(referralSent(), accepted(), visitScheduled(), outcomeSent(),
                        new OutcomeAcknowledged(REFERRAL_ID, COMPLETED))
                .when(new AcknowledgeOutcome(REFERRAL_ID), by(NORTHSIDE_STAFF))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("the outcome was already acknowledged; the loop is closed")))
                .expectNoEvents();
    }

    @Test
    void aReferralCannotBeForwardedToTheOrganisationThatAlreadyHasIt() {
        fixture.given(referralSent())
                .when(new ForwardReferral(REFERRAL_ID, RIVERSIDE, FORWARD_REASON), by(RIVERSIDE_CLINICIAN))
                .expectException(invalidField("toOrganisation",
                        equalTo("the referral is already with riverside-derm")))
                .expectNoEvents();
    }

    @Test
    void aReferralCannotBeForwardedBackToTheOrganisationThatSentIt() {
        fixture.given(referralSent())
                .when(new ForwardReferral(REFERRAL_ID, NORTHSIDE, FORWARD_REASON), by(RIVERSIDE_CLINICIAN))
                .expectException(invalidField("toOrganisation", equalTo(
                        "a referral cannot be forwarded back to the organisation that sent it; refer back instead")))
                .expectNoEvents();
    }

    @Test
    void aDeclinedReferralCannotBeAccepted() {
        fixture.given(history(DECLINED))
                .when(new AcceptReferral(REFERRAL_ID), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("a referral that is declined cannot be accepted")))
                .expectNoEvents();
    }

    @Test
    void aCancelledReferralCannotBeScheduled() {
        fixture.given(history(CANCELLED))
                .when(new ScheduleVisit(REFERRAL_ID, NEXT_APPOINTMENT_ID, APPOINTMENT), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("a referral that is cancelled cannot be scheduled")))
                .expectNoEvents();
    }
}

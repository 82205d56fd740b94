package dev.careloop.command.referral;

import dev.careloop.command.rules.Refusal;
import dev.careloop.api.referral.InformationRequested;
import dev.careloop.api.referral.OutcomeSent;
import dev.careloop.api.referral.ProvideInformation;
import dev.careloop.api.referral.RecordNoShow;
import dev.careloop.api.referral.RequestInformation;
import dev.careloop.api.referral.ScheduleVisit;
import dev.careloop.api.referral.NoShowRecorded;
import dev.careloop.command.appointment.VisitBooking;
import dev.careloop.api.referral.SendOutcome;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import static dev.careloop.api.referral.ReferralStatus.*;
import static dev.careloop.command.referral.ReferralTestData.*;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** The recipient puts a referral on hold with a question; the initiator's answer resumes it where it was. */
class InformationRequestTest {

    private final AggregateTestFixture<Referral> fixture = referralFixture();

    @Test
    void recipientCanPutAScheduledReferralOnHoldWithAQuestion() {
        fixture.given(history(SCHEDULED))
                .when(new RequestInformation(REFERRAL_ID, QUESTION), by(RIVERSIDE_COORDINATOR))
                .expectEvents(new InformationRequested(REFERRAL_ID, PATIENT.patientId(), QUESTION,
                        INFORMATION_REQUESTED))
                .expectResultMessagePayload(4L);
    }

    @Test
    void answeringAQuestionAskedDuringTriageTakesTheReferralBackToAwaitingTriage() {
        fixture.given(referralSent(), informationRequested())
                .when(new ProvideInformation(REFERRAL_ID, ANSWER), by(NORTHSIDE_STAFF))
                .expectEvents(informationProvided(CREATED))
                .expectResultMessagePayload(3L);
    }

    @Test
    void answeringAQuestionAskedAfterAcceptanceTakesTheReferralBackToAccepted() {
        fixture.given(referralSent(), accepted(), informationRequested())
                .when(new ProvideInformation(REFERRAL_ID, ANSWER), by(NORTHSIDE_STAFF))
                .expectEvents(informationProvided(ACCEPTED))
                .expectResultMessagePayload(4L);
    }

    @Test
    void answeringAQuestionAskedOnceAVisitWasBookedTakesTheReferralBackToScheduled() {
        fixture.given(referralSent(), accepted(), visitScheduled(), informationRequested())
                .when(new ProvideInformation(REFERRAL_ID, ANSWER), by(NORTHSIDE_COORDINATOR))
                .expectEvents(informationProvided(SCHEDULED))
                .expectResultMessagePayload(5L);
    }

    @Test
    void aSecondQuestionResumesWhereTheReferralWasWhenThatQuestionWasAsked() {
        fixture.given(referralSent(), informationRequested(), informationProvided(CREATED), accepted(),
                        visitScheduled(), informationRequested())
                .when(new ProvideInformation(REFERRAL_ID, ANSWER), by(NORTHSIDE_STAFF))
                .expectEvents(informationProvided(SCHEDULED));
    }

    @Test
    void theBookedVisitIsStillInPlaceAfterTheAnswer() {
        fixture.given(referralSent(), accepted(), visitScheduled(), informationRequested(),
                        informationProvided(SCHEDULED))
                .when(new RecordNoShow(REFERRAL_ID), by(RIVERSIDE_CLINICIAN))
                .expectEvents(new NoShowRecorded(REFERRAL_ID, APPOINTMENT_ID, VisitBooking.CHANGED_VERSION, NO_SHOW))
                .expectResultMessagePayload(6L);
    }

    @Test
    void aReferralOnHoldCannotBeScheduled() {
        fixture.given(referralSent(), accepted(), informationRequested())
                .when(new ScheduleVisit(REFERRAL_ID, NEXT_APPOINTMENT_ID, APPOINTMENT), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("a referral that is on hold for information cannot be scheduled")))
                .expectNoEvents();
    }

    @Test
    void aReferralOnHoldCannotBeCompletedUntilTheAnswerArrives() {
        fixture.given(referralSent(), accepted(), informationRequested())
                .when(new SendOutcome(REFERRAL_ID, REPORT), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("a referral that is on hold for information cannot be completed with an outcome")))
                .expectNoEvents();
    }

    @Test
    void theOutcomeCanBeSentOnceTheAnswerArrived() {
        fixture.given(referralSent(), accepted(), informationRequested(), informationProvided(ACCEPTED))
                .when(new SendOutcome(REFERRAL_ID, REPORT), by(RIVERSIDE_CLINICIAN))
                .expectEvents(new OutcomeSent(REFERRAL_ID, PATIENT.patientId(), REPORT, COMPLETED));
    }

    @Test
    void aSecondQuestionCannotBeAskedWhileTheFirstIsOpen() {
        fixture.given(referralSent(), informationRequested())
                .when(new RequestInformation(REFERRAL_ID, "Any allergies?"), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.CONFLICT, equalTo(
                        "a referral that is on hold for information cannot be put on hold for information")))
                .expectNoEvents();
    }

    @Test
    void thereIsNothingToAnswerWhenNoQuestionIsOpen() {
        fixture.given(referralSent(), accepted())
                .when(new ProvideInformation(REFERRAL_ID, ANSWER), by(NORTHSIDE_STAFF))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("a referral that is accepted cannot be answered")))
                .expectNoEvents();
    }

    @Test
    void onlyTheReferringOrganisationCanAnswer() {
        fixture.given(referralSent(), informationRequested())
                .when(new ProvideInformation(REFERRAL_ID, ANSWER), by(RIVERSIDE_STAFF))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        startsWith("only the referring organisation can ")))
                .expectNoEvents();
    }
}

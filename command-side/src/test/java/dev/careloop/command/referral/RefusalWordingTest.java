package dev.careloop.command.referral;

import dev.careloop.command.rules.Refusal;
import dev.careloop.api.referral.AcceptReferral;
import dev.careloop.api.referral.CancelVisit;
import dev.careloop.api.referral.RecordNoShow;
import dev.careloop.api.referral.SendOutcome;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.careloop.api.referral.ReferralStatus.ACCEPTED;
import static dev.careloop.api.referral.ReferralStatus.COMPLETED;
import static dev.careloop.command.referral.ReferralTestData.*;
import static org.hamcrest.Matchers.equalTo;

/**
 * Refusals are read by clinicians (they become the problem+json detail), so each one must be a plain
 * English sentence. The expected sentences are written by hand.
 * Each Trigger carries the words of its own refusals, so no sentence is assembled from an enum name.
 */
class RefusalWordingTest {

    private final AggregateTestFixture<Referral> fixture = referralFixture();

    @ParameterizedTest(name = "{0}: \"{1}\"")
    @CsvSource(delimiter = '|', textBlock = """
            accept               | only the receiving organisation can accept a referral
            decline              | only the receiving organisation can decline a referral
            forward              | only the receiving organisation can forward a referral
            schedule             | only the receiving organisation can schedule a referral
            reschedule           | only the receiving organisation can reschedule a referral
            # BUG: the ten below currently read "can <trigger name> a referral" (see the class comment)
            request-information  | only the receiving organisation can request information about a referral
            provide-information  | only the referring organisation can provide information for a referral
            no-show              | only the receiving organisation can record a no-show
            cancel-appointment   | only the receiving organisation can cancel an appointment
            interim-note         | only the receiving organisation can send an interim note
            request-cancellation | only the referring organisation can request the cancellation of a referral
            confirm-cancellation | only the receiving organisation can confirm the cancellation of a referral
            outcome              | only the receiving organisation can send the outcome of a referral
            acknowledge-outcome  | only the referring organisation can acknowledge the outcome of a referral
            refer-back           | only the receiving organisation can refer a patient back
            """)
    void theWrongOrganisationIsToldInPlainWordsWhoMayTakeTheStep(String step, String reason) {
        Action action = Action.byPath(step);
        fixture.given(history(action.allowedFrom))
                .when(action.command(), by(action.otherParty()))
                .expectException(refusal(Refusal.Kind.FORBIDDEN, equalTo(reason)));
    }

    @Test
    void aComplianceOfficerIsToldWhichRolesMayAccept() {
        fixture.given(referralSent())
                .when(new AcceptReferral(REFERRAL_ID), by(RIVERSIDE_COMPLIANCE))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only clinicians or coordinators can accept a referral")));
    }

    @Test
    void aCoordinatorIsToldThatOnlyCliniciansSendTheOutcome() {
        // BUG: currently "only clinicians can send outcome a referral"
        fixture.given(history(ACCEPTED))
                .when(new SendOutcome(REFERRAL_ID, REPORT), by(RIVERSIDE_COORDINATOR))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only clinicians can send the outcome of a referral")));
    }

    @Test
    void aCompletedReferralCannotBeMarkedAsANoShow() {
        fixture.given(history(COMPLETED))
                .when(new RecordNoShow(REFERRAL_ID), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("a referral that is completed cannot be marked as a no-show")));
    }

    @Test
    void anAcceptedReferralWithoutAVisitCannotHaveItsAppointmentCancelled() {
        fixture.given(history(ACCEPTED))
                .when(new CancelVisit(REFERRAL_ID, APPOINTMENT_CANCEL_REASON), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("a referral that is accepted cannot have its appointment cancelled")));
    }
}

package dev.careloop.command.referral;

import dev.careloop.api.referral.PlanVisit;
import dev.careloop.api.referral.PlanVisit.Visit;
import dev.careloop.api.referral.ScheduleVisit;
import dev.careloop.command.rules.Refusal;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import static dev.careloop.api.referral.ReferralStatus.DECLINED;
import static dev.careloop.api.referral.ReferralStatus.NO_SHOW;
import static dev.careloop.api.referral.ReferralStatus.SCHEDULED;
import static dev.careloop.command.referral.ReferralTestData.*;
import static org.hamcrest.Matchers.equalTo;

/**
 * The referral answers the appointment side's question "may this caller take this visit action now?" with what the
 * appointment needs, and never changes itself: its status follows the appointment later, through the saga.
 */
class PlanVisitTest {

    private final AggregateTestFixture<Referral> fixture = referralFixture();

    @Test
    void anAcceptedReferralMayBeScheduledAndWillBeAtItsNextVersionOnceItFollows() {
        fixture.given(referralSent(), accepted())
                .when(new PlanVisit(REFERRAL_ID, PlanVisit.Action.SCHEDULE), by(RIVERSIDE_CLINICIAN, 2))
                .expectNoEvents()
                .expectResultMessagePayload(new Visit(REFERRAL_ID, PATIENT, NORTHSIDE, RIVERSIDE, null, false, 3));
    }

    @Test
    void aScheduledReferralNamesItsBookedAppointmentForACancellation() {
        fixture.given(history(SCHEDULED))
                .when(new PlanVisit(REFERRAL_ID, PlanVisit.Action.CANCEL), by(RIVERSIDE_CLINICIAN))
                .expectNoEvents()
                .expectResultMessagePayload(new Visit(REFERRAL_ID, PATIENT, NORTHSIDE, RIVERSIDE, APPOINTMENT_ID,
                        true, 4));
    }

    @Test
    void aMissedVisitIsNamedButNoLongerBookedSoARescheduleBooksAnew() {
        fixture.given(history(NO_SHOW))
                .when(new PlanVisit(REFERRAL_ID, PlanVisit.Action.RESCHEDULE), by(RIVERSIDE_CLINICIAN))
                .expectNoEvents()
                .expectResultMessagePayload(new Visit(REFERRAL_ID, PATIENT, NORTHSIDE, RIVERSIDE, APPOINTMENT_ID,
                        false, 5));
    }

    @Test
    void aStaleIfMatchIsRefusedAsForTheReferralsOwnActions() {
        fixture.given(referralSent(), accepted())
                .when(new PlanVisit(REFERRAL_ID, PlanVisit.Action.SCHEDULE), by(RIVERSIDE_CLINICIAN, 1))
                .expectException(refusal(Refusal.Kind.CONFLICT, equalTo(
                        "the referral has changed: you sent If-Match version 1 but it is now at version 2")))
                .expectNoEvents();
    }

    @Test
    void aDeclinedReferralCannotBeScheduled() {
        fixture.given(history(DECLINED))
                .when(new PlanVisit(REFERRAL_ID, PlanVisit.Action.SCHEDULE), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("a referral that is declined cannot be scheduled")))
                .expectNoEvents();
    }

    @Test
    void theReferralApiAsksTheReferralAsTheCallerSoAnOutsiderIsNotFound() {
        // through AppointmentBooking: the nested PlanVisit carries the caller's actor
        fixture.given(referralSent(), accepted())
                .when(new ScheduleVisit(REFERRAL_ID, APPOINTMENT_ID, APPOINTMENT), by(LAKESIDE_STAFF))
                .expectException(refusal(Refusal.Kind.NOT_FOUND, equalTo("no such referral")))
                .expectNoEvents();
    }
}

package dev.careloop.command.referral;

import dev.careloop.command.rules.Refusal;
import dev.careloop.api.referral.AcceptReferral;
import dev.careloop.api.referral.CancellationRequested;
import dev.careloop.api.referral.DeclineReferral;
import dev.careloop.api.referral.ForwardReferral;
import dev.careloop.api.referral.InformationRequested;
import dev.careloop.api.referral.ProvideInformation;
import dev.careloop.api.referral.ReferralAccepted;
import dev.careloop.api.referral.ReferralDeclined;
import dev.careloop.api.referral.ReferralForwarded;
import dev.careloop.api.referral.RequestCancellation;
import dev.careloop.api.referral.RequestInformation;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import static dev.careloop.api.referral.ReferralStatus.*;
import static dev.careloop.command.referral.ReferralTestData.*;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** Forwarding hands the referral, and the right to act as its recipient, to another organisation. */
class ForwardReferralTest {

    private final AggregateTestFixture<Referral> fixture = referralFixture();

    @Test
    void recipientCanForwardAnUntriagedReferral() {
        fixture.given(referralSent())
                .when(new ForwardReferral(REFERRAL_ID, HILLSIDE, FORWARD_REASON), by(RIVERSIDE_COORDINATOR))
                .expectEvents(new ReferralForwarded(REFERRAL_ID, PATIENT.patientId(), RIVERSIDE, HILLSIDE,
                        FORWARD_REASON, CREATED))
                .expectResultMessagePayload(2L);
    }

    @Test
    void anAcceptedReferralForwardedAwaitsTriageByTheNewRecipient() {
        fixture.given(referralSent(), accepted())
                .when(new ForwardReferral(REFERRAL_ID, HILLSIDE, FORWARD_REASON), by(RIVERSIDE_CLINICIAN))
                .expectEvents(new ReferralForwarded(REFERRAL_ID, PATIENT.patientId(), RIVERSIDE, HILLSIDE,
                        FORWARD_REASON, CREATED))
                .expectResultMessagePayload(3L);
    }

    @Test
    void newRecipientCanAcceptAForwardedReferral() {
        fixture.given(referralSent(), forwardedToHillside(CREATED))
                .when(new AcceptReferral(REFERRAL_ID), by(HILLSIDE_CLINICIAN))
                .expectEvents(new ReferralAccepted(REFERRAL_ID, ACCEPTED))
                .expectResultMessagePayload(3L);
    }

    @Test
    void newRecipientCanAcceptAReferralThatWasAcceptedBeforeItWasForwarded() {
        fixture.given(referralSent(), accepted(), forwardedToHillside(CREATED))
                .when(new AcceptReferral(REFERRAL_ID), by(HILLSIDE_CLINICIAN))
                .expectEvents(new ReferralAccepted(REFERRAL_ID, ACCEPTED))
                .expectResultMessagePayload(4L);
    }

    @Test
    void newRecipientCanDeclineAForwardedReferral() {
        fixture.given(referralSent(), forwardedToHillside(CREATED))
                .when(new DeclineReferral(REFERRAL_ID, DECLINE_REASON), by(HILLSIDE_CLINICIAN))
                .expectEvents(new ReferralDeclined(REFERRAL_ID, PATIENT.patientId(), DECLINE_REASON, DECLINED));
    }

    @Test
    void formerRecipientCanNoLongerAcceptButIsToldWhyRatherThanThatTheReferralIsUnknown() {
        // FORBIDDEN, not NOT_FOUND: the former recipient stays a participant and may still see the referral
        fixture.given(referralSent(), forwardedToHillside(CREATED))
                .when(new AcceptReferral(REFERRAL_ID), by(RIVERSIDE_STAFF))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only the receiving organisation can accept a referral")))
                .expectNoEvents();
    }

    @Test
    void formerRecipientCanNoLongerForwardTheReferral() {
        fixture.given(referralSent(), forwardedToHillside(CREATED))
                .when(new ForwardReferral(REFERRAL_ID, LAKESIDE, FORWARD_REASON), by(RIVERSIDE_STAFF))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only the receiving organisation can forward a referral")))
                .expectNoEvents();
    }

    @Test
    void formerRecipientCanNoLongerAskForInformation() {
        fixture.given(referralSent(), forwardedToHillside(CREATED))
                .when(new RequestInformation(REFERRAL_ID, QUESTION), by(RIVERSIDE_STAFF))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        startsWith("only the receiving organisation can ")))
                .expectNoEvents();
    }

    @Test
    void newRecipientCanForwardTheReferralOnAgain() {
        fixture.given(referralSent(), forwardedToHillside(CREATED))
                .when(new ForwardReferral(REFERRAL_ID, LAKESIDE, "cardiac cause suspected"), by(HILLSIDE_CLINICIAN))
                .expectEvents(new ReferralForwarded(REFERRAL_ID, PATIENT.patientId(), HILLSIDE, LAKESIDE,
                        "cardiac cause suspected", CREATED));
    }

    @Test
    void anOrganisationTheReferralWasForwardedToCanActOnIt() {
        fixture.given(referralSent(), forwardedToHillside(CREATED),
                        new ReferralForwarded(REFERRAL_ID, PATIENT.patientId(), HILLSIDE, LAKESIDE,
                                "cardiac cause suspected", CREATED))
                .when(new AcceptReferral(REFERRAL_ID), by(LAKESIDE_STAFF))
                .expectEvents(new ReferralAccepted(REFERRAL_ID, ACCEPTED));
    }

    @Test
    void newRecipientCanAskTheInitiatorForInformation() {
        fixture.given(referralSent(), forwardedToHillside(CREATED))
                .when(new RequestInformation(REFERRAL_ID, QUESTION), by(HILLSIDE_CLINICIAN))
                .expectEvents(new InformationRequested(REFERRAL_ID, PATIENT.patientId(), QUESTION,
                        INFORMATION_REQUESTED));
    }

    @Test
    void initiatorStillAnswersQuestionsAfterAForward() {
        fixture.given(referralSent(), forwardedToHillside(CREATED), informationRequested())
                .when(new ProvideInformation(REFERRAL_ID, ANSWER), by(NORTHSIDE_STAFF))
                .expectEvents(informationProvided(CREATED));
    }

    @Test
    void initiatorCanStillAskForCancellationAfterAForward() {
        fixture.given(referralSent(), forwardedToHillside(CREATED))
                .when(new RequestCancellation(REFERRAL_ID, CANCELLATION_REASON), by(NORTHSIDE_STAFF))
                .expectEvents(new CancellationRequested(REFERRAL_ID, PATIENT.patientId(), CANCELLATION_REASON,
                        CANCELLATION_REQUESTED));
    }

    @Test
    void initiatorCannotForwardTheReferral() {
        fixture.given(referralSent())
                .when(new ForwardReferral(REFERRAL_ID, HILLSIDE, FORWARD_REASON), by(NORTHSIDE_STAFF))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only the receiving organisation can forward a referral")))
                .expectNoEvents();
    }
}

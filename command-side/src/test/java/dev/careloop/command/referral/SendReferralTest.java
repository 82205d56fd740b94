package dev.careloop.command.referral;

import dev.careloop.command.rules.Refusal;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.referral.SendReferral;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import static dev.careloop.api.referral.ReferralStatus.CREATED;
import static dev.careloop.command.referral.ReferralTestData.*;
import static org.hamcrest.Matchers.equalTo;

class SendReferralTest {

    private final AggregateTestFixture<Referral> fixture = referralFixture();

    @Test
    void initiatingClinicSendsAReferralThatAwaitsTriage() {
        fixture.givenNoPriorActivity()
                .when(sendReferral(), by(NORTHSIDE_STAFF))
                .expectSuccessfulHandlerExecution()
                .expectEvents(referralSent())
                .expectResultMessagePayload(1L);
    }

    @Test
    void theReferralIsNumberedUnderTheSendingOrganisationsIdentifierSystem() {
        SendReferral urgent = new SendReferral(REFERRAL_ID, "RDM-2030-0007", NORTHSIDE, PATIENT, Priority.URGENT,
                BACK_SERVICE, BACK_REASON, null, SLA_DUE);
        fixture.givenNoPriorActivity()
                .when(urgent, by(RIVERSIDE_CLINICIAN))
                .expectEvents(new ReferralSent(REFERRAL_ID, "RDM-2030-0007", RIVERSIDE_IDENTIFIER_SYSTEM, RIVERSIDE,
                        NORTHSIDE, PATIENT, Priority.URGENT, BACK_SERVICE, BACK_REASON, null, SLA_DUE, null,
                        CREATED));
    }

    @Test
    void aCoordinatorCanSendAReferral() {
        fixture.givenNoPriorActivity()
                .when(sendReferral(), by(NORTHSIDE_COORDINATOR))
                .expectEvents(referralSent());
    }

    @Test
    void aComplianceOfficerCannotSendAReferral() {
        fixture.givenNoPriorActivity()
                .when(sendReferral(), by(NORTHSIDE_COMPLIANCE))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only clinicians or coordinators can send a referral")))
                .expectNoEvents();
    }

    @Test
    void anAdminCannotSendAReferral() {
        fixture.givenNoPriorActivity()
                .when(sendReferral(), by(NORTHSIDE_ADMIN))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only clinicians or coordinators can send a referral")))
                .expectNoEvents();
    }

    @Test
    void aClinicCannotReferToItself() {
        SendReferral toSelf = new SendReferral(REFERRAL_ID, REFERRAL_NUMBER, NORTHSIDE, PATIENT, Priority.ROUTINE,
                SERVICE, REASON, NOTE, SLA_DUE);
        fixture.givenNoPriorActivity()
                .when(toSelf, by(NORTHSIDE_STAFF))
                .expectException(invalidField("recipientOrganisation", equalTo("a clinic cannot refer to itself")))
                .expectNoEvents();
    }
}

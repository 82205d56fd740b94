package dev.careloop.command.referral;

import dev.careloop.api.PatientIds;
import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.referral.DeclineReferral;
import dev.careloop.api.referral.ReferralDeclined;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.referral.RekeyReferralPatient;
import dev.careloop.api.Patient;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import static dev.careloop.api.referral.ReferralStatus.CREATED;
import static dev.careloop.api.referral.ReferralStatus.DECLINED;
import static dev.careloop.command.referral.ReferralTestData.*;

/**
 * A referral written before patient ids were keyed names its patient by the unkeyed id; the migration re-keys it
 * by an event of its own stream, once, and its later events name the patient by the keyed id.
 */
class RekeyReferralPatientTest {

    private static final String UNKEYED = PatientIds.unkeyedIdFor(PATIENT.identifierSystem(),
            PATIENT.identifierValue());

    private final AggregateTestFixture<Referral> fixture = referralFixture();

    private static ReferralSent sentBeforeKeying() {
        Patient old = new Patient(UNKEYED, PATIENT.identifierSystem(), PATIENT.identifierValue(), PATIENT.name(),
                PATIENT.birthDate());
        return new ReferralSent(REFERRAL_ID, REFERRAL_NUMBER, NORTHSIDE_IDENTIFIER_SYSTEM, NORTHSIDE, RIVERSIDE,
                old, dev.careloop.api.referral.Priority.ROUTINE, SERVICE, REASON, NOTE, SLA_DUE, null, CREATED);
    }

    @Test
    void aReferralNamedByTheUnkeyedIdIsRekeyedByAnEventOfItsOwn() {
        fixture.given(sentBeforeKeying())
                .when(new RekeyReferralPatient(REFERRAL_ID, UNKEYED, PATIENT.patientId()))
                .expectEvents(new PatientRekeyed(REFERRAL_ID, UNKEYED, PATIENT.patientId()))
                .expectResultMessagePayload(true);
    }

    @Test
    void aSecondRekeyAppendsNothing() {
        fixture.given(sentBeforeKeying(), new PatientRekeyed(REFERRAL_ID, UNKEYED, PATIENT.patientId()))
                .when(new RekeyReferralPatient(REFERRAL_ID, UNKEYED, PATIENT.patientId()))
                .expectNoEvents()
                .expectResultMessagePayload(false);
    }

    @Test
    void aReferralAboutAnotherPatientIsNotRekeyed() {
        fixture.given(referralSent())
                .when(new RekeyReferralPatient(REFERRAL_ID, UNKEYED, "someone-else"))
                .expectNoEvents()
                .expectResultMessagePayload(false);
    }

    @Test
    void eventsAfterTheRekeyNameThePatientByTheKeyedId() {
        fixture.given(sentBeforeKeying(), new PatientRekeyed(REFERRAL_ID, UNKEYED, PATIENT.patientId()))
                .when(new DeclineReferral(REFERRAL_ID, DECLINE_REASON), by(RIVERSIDE_CLINICIAN))
                .expectEvents(new ReferralDeclined(REFERRAL_ID, PATIENT.patientId(), DECLINE_REASON, DECLINED));
    }
}

package dev.careloop.command.referral;

import dev.careloop.api.Patient;
import dev.careloop.api.TestPatients;
import dev.careloop.api.record.DocumentType;
import dev.careloop.api.referral.AttachRecord;
import dev.careloop.api.referral.RecordAttached;
import dev.careloop.command.rules.Refusal;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static dev.careloop.api.referral.ReferralStatus.ACCEPTED;
import static dev.careloop.api.referral.ReferralStatus.CANCELLED;
import static dev.careloop.api.referral.ReferralStatus.DECLINED;
import static dev.careloop.command.referral.ReferralTestData.*;
import static org.hamcrest.Matchers.equalTo;

/** A record shared with a referral is attached to it by the referral's own handler, or refused with nothing written. */
class AttachRecordTest {

    private static final String RECORD = "rec-biopsy";
    private static final String TITLE = "Biopsy histology";
    private static final DocumentType PATHOLOGY = new DocumentType("11526-1", "Pathology study");

    private final AggregateTestFixture<Referral> fixture = referralFixture();

    private static AttachRecord attach(Patient about) {
        return new AttachRecord(REFERRAL_ID, RECORD, TITLE, PATHOLOGY, about);
    }

    @Test
    void theReferringClinicAttachesARecordAndTheRecipientGetsIt() {
        fixture.given(referralSent(), accepted())
                .when(attach(null), by(NORTHSIDE_STAFF))
                .expectEvents(new RecordAttached(REFERRAL_ID, PATIENT.patientId(), RECORD, TITLE, PATHOLOGY, ACCEPTED))
                .expectResultMessagePayload(new AttachRecord.Attachment(RIVERSIDE, PATIENT));
    }

    @Test
    void theReceivingClinicAttachesARecordAndTheReferrerGetsIt() {
        fixture.given(referralSent(), accepted())
                .when(attach(PATIENT), by(RIVERSIDE_CLINICIAN))
                .expectEvents(new RecordAttached(REFERRAL_ID, PATIENT.patientId(), RECORD, TITLE, PATHOLOGY, ACCEPTED))
                .expectResultMessagePayload(new AttachRecord.Attachment(NORTHSIDE, PATIENT));
    }

    @Test
    void aRecordAboutAnotherPatientIsRefused() {
        Patient someoneElse = TestPatients.patient("https://northside-gp.example/mrn", "MRN-0099", "Bo Lind",
                LocalDate.of(1970, 1, 1));
        fixture.given(referralSent(), accepted())
                .when(attach(someoneElse), by(NORTHSIDE_STAFF))
                .expectException(invalidField("patient", equalTo("the referral is about another patient")))
                .expectNoEvents();
    }

    @Test
    void aDeclinedOrCancelledReferralTakesNoRecords() {
        fixture.given(history(DECLINED))
                .when(attach(null), by(NORTHSIDE_STAFF))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("a referral that is declined cannot have records attached")))
                .expectNoEvents();
        fixture.given(history(CANCELLED))
                .when(attach(null), by(NORTHSIDE_STAFF))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("a referral that is cancelled cannot have records attached")))
                .expectNoEvents();
    }

    @Test
    void anOrganisationOutsideTheReferralCannotSeeIt() {
        fixture.given(referralSent(), accepted())
                .when(attach(null), by(LAKESIDE_STAFF))
                .expectException(refusal(Refusal.Kind.NOT_FOUND, equalTo("no such referral")))
                .expectNoEvents();
    }

    @Test
    void aClinicTheReferralWasForwardedAwayFromCanNoLongerAttach() {
        fixture.given(referralSent(), accepted(), forwardedToHillside(ACCEPTED))
                .when(attach(null), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only the referring or receiving organisation can attach records to a referral")))
                .expectNoEvents();
    }
}

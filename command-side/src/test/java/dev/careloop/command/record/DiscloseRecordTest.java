package dev.careloop.command.record;

import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.record.DiscloseRecord;
import dev.careloop.api.record.RecordAccessExpired;
import dev.careloop.api.record.RecordAccessRevoked;
import dev.careloop.api.record.RecordAmended;
import dev.careloop.api.record.RecordDisclosed;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static dev.careloop.command.CommandTesting.by;
import static dev.careloop.command.record.RecordTestData.*;
import static org.hamcrest.Matchers.equalTo;

/** Consent is decided at the moment of reading: every allowed read is a disclosure, every other one a 404. */
class DiscloseRecordTest {

    private final AggregateTestFixture<SharedRecord> fixture = fixture();

    @Test
    void recipientWithActiveAccessReadsTheCurrentVersionAndTheReadIsRecorded() {
        fixture.given(recordShared(), new RecordAmended(RECORD_ID, PATIENT.patientId(), 2, VERSION_2, null, null,
                AMEND_REASON))
                .when(new DiscloseRecord(RECORD_ID, null, PurposeOfUse.TREATMENT, READ_AT), by(RIVERSIDE_CLINICIAN))
                .expectEvents(new RecordDisclosed(RECORD_ID, RIVERSIDE, PurposeOfUse.TREATMENT, 2, VERSION_2.sha256(),
                        VERSION_2.size(), READ_AT))
                .expectResultMessagePayload(new Disclosure(2, VERSION_2, TITLE, PATIENT.patientId()));
    }

    @Test
    void eachVersionIsDownloadedUnderItsOwnTitle() {
        fixture.given(recordShared(), new RecordAmended(RECORD_ID, PATIENT.patientId(), 2, VERSION_2,
                        "Discharge summary, corrected", null, AMEND_REASON),
                new RecordAmended(RECORD_ID, PATIENT.patientId(), 3, VERSION_3, null, null, AMEND_REASON))
                .when(new DiscloseRecord(RECORD_ID, null, PurposeOfUse.TREATMENT, READ_AT), by(RIVERSIDE_CLINICIAN))
                .expectResultMessagePayload(new Disclosure(3, VERSION_3, "Discharge summary, corrected", PATIENT.patientId()));
    }

    @Test
    void recipientReadsAnEarlierVersionByItsNumber() {
        fixture.given(recordShared(), new RecordAmended(RECORD_ID, PATIENT.patientId(), 2, VERSION_2, null, null,
                AMEND_REASON))
                .when(new DiscloseRecord(RECORD_ID, 1, PurposeOfUse.TREATMENT, READ_AT), by(HILLSIDE_CLINICIAN))
                .expectEvents(new RecordDisclosed(RECORD_ID, HILLSIDE, PurposeOfUse.TREATMENT, 1,
                        VERSION_1.sha256(), VERSION_1.size(), READ_AT))
                .expectResultMessagePayload(new Disclosure(1, VERSION_1, TITLE, PATIENT.patientId()));
    }

    @Test
    void authorReadsItsOwnRecordEvenAfterAccessExpiredAndTheReadIsRecorded() {
        Instant later = VALID_UNTIL.plusSeconds(86_400);
        fixture.given(recordShared(), new RecordAccessExpired(RECORD_ID, VALID_UNTIL))
                .when(new DiscloseRecord(RECORD_ID, null, PurposeOfUse.TREATMENT, later), by(NORTHSIDE_STAFF))
                .expectEvents(new RecordDisclosed(RECORD_ID, NORTHSIDE, PurposeOfUse.TREATMENT, 1, VERSION_1.sha256(),
                        VERSION_1.size(), later));
    }

    @Test
    void organisationNeverNamedIsDeniedAndNothingIsDisclosed() {
        fixture.given(recordShared())
                .when(new DiscloseRecord(RECORD_ID, null, PurposeOfUse.TREATMENT, READ_AT), by(LAKESIDE_STAFF))
                .expectException(denied(equalTo("the record was not shared with lakeside-cardio")))
                .expectNoEvents();
    }

    @Test
    void revokedRecipientIsDenied() {
        fixture.given(recordShared(), new RecordAccessRevoked(RECORD_ID, PATIENT.patientId(), RIVERSIDE, REVOKE_REASON))
                .when(new DiscloseRecord(RECORD_ID, null, PurposeOfUse.TREATMENT, READ_AT), by(RIVERSIDE_CLINICIAN))
                .expectException(denied(equalTo("access of riverside-derm was revoked")))
                .expectNoEvents();
    }

    @Test
    void otherRecipientsStillReadAfterOneWasRevoked() {
        fixture.given(recordShared(), new RecordAccessRevoked(RECORD_ID, PATIENT.patientId(), RIVERSIDE, REVOKE_REASON))
                .when(new DiscloseRecord(RECORD_ID, null, PurposeOfUse.TREATMENT, READ_AT), by(HILLSIDE_CLINICIAN))
                .expectEvents(new RecordDisclosed(RECORD_ID, HILLSIDE, PurposeOfUse.TREATMENT, 1, VERSION_1.sha256(),
                        VERSION_1.size(), READ_AT));
    }

    @Test
    void readAtValidUntilIsDeniedEvenBeforeTheExpiryIsRecorded() {
        fixture.given(recordShared())
                .when(new DiscloseRecord(RECORD_ID, null, PurposeOfUse.TREATMENT, VALID_UNTIL),
                        by(RIVERSIDE_CLINICIAN))
                .expectException(denied(equalTo("access expired on " + VALID_UNTIL)))
                .expectNoEvents();
    }

    @Test
    void recipientWhoseAccessExpiredIsDenied() {
        fixture.given(recordShared(), new RecordAccessExpired(RECORD_ID, VALID_UNTIL))
                .when(new DiscloseRecord(RECORD_ID, null, PurposeOfUse.TREATMENT, READ_AT), by(RIVERSIDE_CLINICIAN))
                .expectException(denied(equalTo("access expired on " + VALID_UNTIL)))
                .expectNoEvents();
    }

    @Test
    void versionThatDoesNotExistIsDenied() {
        fixture.given(recordShared())
                .when(new DiscloseRecord(RECORD_ID, 2, PurposeOfUse.TREATMENT, READ_AT), by(RIVERSIDE_CLINICIAN))
                .expectException(denied(equalTo("the record has no version 2")))
                .expectNoEvents();
    }
}

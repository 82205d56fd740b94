package dev.careloop.command.record;

import dev.careloop.api.record.AmendRecord;
import dev.careloop.api.record.RecordAccessRevoked;
import dev.careloop.api.record.RecordAmended;
import dev.careloop.command.rules.Refusal;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import static dev.careloop.command.CommandTesting.by;
import static dev.careloop.command.CommandTesting.refusal;
import static dev.careloop.command.record.RecordTestData.*;
import static org.hamcrest.Matchers.equalTo;

class AmendRecordTest {

    private final AggregateTestFixture<SharedRecord> fixture = fixture();

    @Test
    void authorAmendsTheRecordIntoVersionTwo() {
        fixture.given(recordShared())
                .when(new AmendRecord(RECORD_ID, VERSION_2, null, null, AMEND_REASON), by(NORTHSIDE_STAFF))
                .expectEvents(new RecordAmended(RECORD_ID, PATIENT.patientId(), 2, VERSION_2, null, null, AMEND_REASON))
                .expectResultMessagePayload(2L);
    }

    @Test
    void eachAmendmentIsTheNextVersionAndKeepsTheEarlierOnes() {
        fixture.given(recordShared(), new RecordAmended(RECORD_ID, PATIENT.patientId(), 2, VERSION_2, null, null,
                AMEND_REASON))
                .when(new AmendRecord(RECORD_ID, VERSION_3, "Discharge summary (final)", null, "signed off"),
                        by(NORTHSIDE_STAFF, 2))
                .expectEvents(new RecordAmended(RECORD_ID, PATIENT.patientId(), 3, VERSION_3,
                        "Discharge summary (final)", null, "signed off"));
    }

    @Test
    void amendingWithTheContentItAlreadyHasIsRefused() {
        fixture.given(recordShared(), new RecordAmended(RECORD_ID, PATIENT.patientId(), 2, VERSION_2, null, null,
                AMEND_REASON))
                .when(new AmendRecord(RECORD_ID, VERSION_2, null, null, AMEND_REASON), by(NORTHSIDE_STAFF))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("this content is already version 2 of the record")))
                .expectNoEvents();
    }

    @Test
    void amendingWithAStaleIfMatchIsRefused() {
        fixture.given(recordShared(), new RecordAmended(RECORD_ID, PATIENT.patientId(), 2, VERSION_2, null, null,
                AMEND_REASON))
                .when(new AmendRecord(RECORD_ID, VERSION_3, null, null, AMEND_REASON), by(NORTHSIDE_STAFF, 1))
                .expectException(refusal(Refusal.Kind.CONFLICT, equalTo(
                        "the record has changed: you sent If-Match version 1 but it is now at version 2")))
                .expectNoEvents();
    }

    @Test
    void recipientCannotAmendARecordSharedWithIt() {
        fixture.given(recordShared())
                .when(new AmendRecord(RECORD_ID, VERSION_2, null, null, AMEND_REASON), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only the organisation that shared the record can amend it")))
                .expectNoEvents();
    }

    @Test
    void organisationNeverNamedIsToldThereIsNoSuchRecord() {
        fixture.given(recordShared())
                .when(new AmendRecord(RECORD_ID, VERSION_2, null, null, AMEND_REASON), by(LAKESIDE_STAFF))
                .expectException(refusal(Refusal.Kind.NOT_FOUND, equalTo("no such record")))
                .expectNoEvents();
    }

    @Test
    void revokedRecipientIsToldThereIsNoSuchRecord() {
        fixture.given(recordShared(), new RecordAccessRevoked(RECORD_ID, PATIENT.patientId(), RIVERSIDE, REVOKE_REASON))
                .when(new AmendRecord(RECORD_ID, VERSION_2, null, null, AMEND_REASON), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.NOT_FOUND, equalTo("no such record")))
                .expectNoEvents();
    }

    @Test
    void complianceOfficerOfTheAuthorCannotAmend() {
        fixture.given(recordShared())
                .when(new AmendRecord(RECORD_ID, VERSION_2, null, null, AMEND_REASON), by(NORTHSIDE_COMPLIANCE))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only clinicians or coordinators can amend a shared record")))
                .expectNoEvents();
    }
}

package dev.careloop.command.record;

import dev.careloop.api.record.RecordAccessExpired;
import dev.careloop.api.record.RecordAccessRevoked;
import dev.careloop.api.record.RevokeRecordAccess;
import dev.careloop.command.rules.Refusal;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static dev.careloop.command.CommandTesting.by;
import static dev.careloop.command.CommandTesting.command;
import static dev.careloop.command.CommandTesting.invalidField;
import static dev.careloop.command.CommandTesting.refusal;
import static dev.careloop.command.record.RecordTestData.*;
import static org.hamcrest.Matchers.equalTo;

class RevokeRecordAccessTest {

    private final AggregateTestFixture<SharedRecord> fixture = fixture();

    @Test
    void authorRevokesOneRecipientsAccess() {
        fixture.given(recordShared())
                .when(new RevokeRecordAccess(RECORD_ID, RIVERSIDE, REVOKE_REASON), by(NORTHSIDE_STAFF, 1))
                .expectEvents(new RecordAccessRevoked(RECORD_ID, PATIENT.patientId(), RIVERSIDE, REVOKE_REASON))
                .expectResultMessagePayload(2L);
    }

    @Test
    void revokingTheLastActiveAccessCancelsTheExpiryDeadline() {
        fixture.givenCurrentTime(SHARED_AT)
                .andGivenCommands(command(shareRecord(Set.of(RIVERSIDE)), NORTHSIDE_STAFF))
                .when(new RevokeRecordAccess(RECORD_ID, RIVERSIDE, REVOKE_REASON), by(NORTHSIDE_STAFF))
                .expectEvents(new RecordAccessRevoked(RECORD_ID, PATIENT.patientId(), RIVERSIDE, REVOKE_REASON))
                .expectNoScheduledDeadlines();
    }

    @Test
    void revokingOneOfTwoRecipientsKeepsTheExpiryDeadline() {
        fixture.givenCurrentTime(SHARED_AT)
                .andGivenCommands(command(shareRecord(), NORTHSIDE_STAFF))
                .when(new RevokeRecordAccess(RECORD_ID, RIVERSIDE, REVOKE_REASON), by(NORTHSIDE_STAFF))
                .expectScheduledDeadlineWithName(VALID_UNTIL, EXPIRY_DEADLINE);
    }

    @Test
    void revokingAnOrganisationTheRecordWasNeverSharedWithIsRefused() {
        fixture.given(recordShared())
                .when(new RevokeRecordAccess(RECORD_ID, LAKESIDE, REVOKE_REASON), by(NORTHSIDE_STAFF))
                .expectException(invalidField("organisation",
                        equalTo("the record was never shared with lakeside-cardio")))
                .expectNoEvents();
    }

    @Test
    void revokingTheSameAccessTwiceIsRefused() {
        fixture.given(recordShared(), new RecordAccessRevoked(RECORD_ID, PATIENT.patientId(), RIVERSIDE, REVOKE_REASON))
                .when(new RevokeRecordAccess(RECORD_ID, RIVERSIDE, REVOKE_REASON), by(NORTHSIDE_STAFF))
                .expectException(refusal(Refusal.Kind.CONFLICT, equalTo("access of riverside-derm was already revoked")))
                .expectNoEvents();
    }

    @Test
    void revokingAfterAccessExpiredIsRefused() {
        fixture.given(recordShared(), new RecordAccessExpired(RECORD_ID, VALID_UNTIL))
                .when(new RevokeRecordAccess(RECORD_ID, RIVERSIDE, REVOKE_REASON), by(NORTHSIDE_STAFF))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("access to the record already expired on " + VALID_UNTIL)))
                .expectNoEvents();
    }

    @Test
    void recipientCannotRevokeAnotherRecipientsAccess() {
        fixture.given(recordShared())
                .when(new RevokeRecordAccess(RECORD_ID, HILLSIDE, REVOKE_REASON), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only the organisation that shared the record can revoke access to it")))
                .expectNoEvents();
    }

    @Test
    void organisationNeverNamedCannotRevokeAndLearnsNothing() {
        fixture.given(recordShared())
                .when(new RevokeRecordAccess(RECORD_ID, RIVERSIDE, REVOKE_REASON), by(LAKESIDE_STAFF))
                .expectException(refusal(Refusal.Kind.NOT_FOUND, equalTo("no such record")))
                .expectNoEvents();
    }
}

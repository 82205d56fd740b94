package dev.careloop.command.record;

import dev.careloop.api.record.GrantRecordAccess;
import dev.careloop.api.record.RecordAccessExpired;
import dev.careloop.api.record.RecordAccessGranted;
import dev.careloop.api.record.RecordAccessRevoked;
import dev.careloop.api.record.RevokeRecordAccess;
import dev.careloop.command.rules.Refusal;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static dev.careloop.command.CommandTesting.by;
import static dev.careloop.command.CommandTesting.command;
import static dev.careloop.command.CommandTesting.refusal;
import static dev.careloop.command.record.RecordTestData.*;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** The sharing clinic shares a record with one more organisation after it was created, on the share's terms. */
class GrantRecordAccessTest {

    private static final String WHY = "Cardiology takes over the follow-up";

    private final AggregateTestFixture<SharedRecord> fixture = fixture();

    @Test
    void theAuthorSharesWithOneMoreOrganisationAndTheVersionMoves() {
        fixture.given(recordShared())
                .when(new GrantRecordAccess(RECORD_ID, LAKESIDE, WHY), by(NORTHSIDE_STAFF, 1))
                .expectEvents(new RecordAccessGranted(RECORD_ID, PATIENT.patientId(), LAKESIDE, null, WHY))
                .expectResultMessagePayload(2L);
    }

    @Test
    void theAuthorGivesBackAccessItWithdrew() {
        fixture.given(recordShared(), new RecordAccessRevoked(RECORD_ID, PATIENT.patientId(), RIVERSIDE, REVOKE_REASON))
                .when(new GrantRecordAccess(RECORD_ID, RIVERSIDE, WHY), by(NORTHSIDE_STAFF))
                .expectEvents(new RecordAccessGranted(RECORD_ID, PATIENT.patientId(), RIVERSIDE, null, WHY));
    }

    @Test
    void aGrantAfterTheLastAccessEndedSchedulesTheExpiryAgain() {
        fixture.givenCurrentTime(SHARED_AT)
                .andGivenCommands(command(shareRecord(Set.of(RIVERSIDE)), NORTHSIDE_STAFF),
                        command(new RevokeRecordAccess(RECORD_ID, RIVERSIDE, REVOKE_REASON), NORTHSIDE_STAFF))
                .when(new GrantRecordAccess(RECORD_ID, LAKESIDE, WHY), by(NORTHSIDE_STAFF))
                .expectScheduledDeadlineWithName(VALID_UNTIL, EXPIRY_DEADLINE);
    }

    @Test
    void sharingWithAnOrganisationThatCanAlreadyReadItIsRefused() {
        fixture.given(recordShared())
                .when(new GrantRecordAccess(RECORD_ID, RIVERSIDE, WHY), by(NORTHSIDE_STAFF))
                .expectException(refusal(Refusal.Kind.CONFLICT, equalTo("riverside-derm can already read the record")))
                .expectNoEvents();
    }

    @Test
    void sharingAfterTheRecordExpiredIsRefused() {
        fixture.given(recordShared(), new RecordAccessExpired(RECORD_ID, VALID_UNTIL))
                .when(new GrantRecordAccess(RECORD_ID, LAKESIDE, WHY), by(NORTHSIDE_STAFF))
                .expectException(refusal(Refusal.Kind.CONFLICT,
                        equalTo("access to the record already expired on " + VALID_UNTIL)))
                .expectNoEvents();
    }

    @Test
    void aStaleVersionIsRefused() {
        fixture.given(recordShared())
                .when(new GrantRecordAccess(RECORD_ID, LAKESIDE, WHY), by(NORTHSIDE_STAFF, 7))
                .expectException(refusal(Refusal.Kind.CONFLICT, startsWith("the record has changed")))
                .expectNoEvents();
    }

    @Test
    void aRecipientCannotShareSomeoneElsesRecord() {
        fixture.given(recordShared())
                .when(new GrantRecordAccess(RECORD_ID, LAKESIDE, WHY), by(RIVERSIDE_CLINICIAN))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only the organisation that shared the record can share it")))
                .expectNoEvents();
    }
}

package dev.careloop.command.record;

import dev.careloop.api.record.RecordAccessExpired;
import dev.careloop.api.record.RevokeRecordAccess;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static dev.careloop.command.CommandTesting.command;
import static dev.careloop.command.record.RecordTestData.*;

/** Access ends at validUntil: a persistent deadline set when the record is shared records it in the log. */
class RecordExpiryTest {

    private final AggregateTestFixture<SharedRecord> fixture = fixture();

    @Test
    void accessExpiresForEveryRecipientAtValidUntil() {
        fixture.givenCurrentTime(SHARED_AT)
                .andGivenCommands(command(shareRecord(), NORTHSIDE_STAFF))
                .whenTimeAdvancesTo(VALID_UNTIL)
                .expectTriggeredDeadlinesWithName(EXPIRY_DEADLINE)
                .expectEvents(new RecordAccessExpired(RECORD_ID, VALID_UNTIL));
    }

    @Test
    void nothingExpiresBeforeValidUntil() {
        fixture.givenCurrentTime(SHARED_AT)
                .andGivenCommands(command(shareRecord(), NORTHSIDE_STAFF))
                .whenTimeAdvancesTo(VALID_UNTIL.minusSeconds(1))
                .expectNoEvents()
                .expectScheduledDeadlineWithName(VALID_UNTIL, EXPIRY_DEADLINE);
    }

    @Test
    void accessRevokedFromEveryRecipientHasNothingLeftToExpire() {
        fixture.givenCurrentTime(SHARED_AT)
                .andGivenCommands(command(shareRecord(Set.of(RIVERSIDE)), NORTHSIDE_STAFF),
                        command(new RevokeRecordAccess(RECORD_ID, RIVERSIDE, REVOKE_REASON), NORTHSIDE_STAFF))
                .whenTimeAdvancesTo(VALID_UNTIL)
                .expectNoEvents();
    }
}

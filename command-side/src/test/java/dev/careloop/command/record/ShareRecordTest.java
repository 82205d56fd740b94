package dev.careloop.command.record;

import dev.careloop.command.rules.Refusal;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static dev.careloop.command.CommandTesting.by;
import static dev.careloop.command.CommandTesting.invalidField;
import static dev.careloop.command.CommandTesting.refusal;
import static dev.careloop.command.record.RecordTestData.*;
import static org.hamcrest.Matchers.equalTo;

class ShareRecordTest {

    private final AggregateTestFixture<SharedRecord> fixture = fixture();

    @Test
    void clinicSharesARecordWithTheOrganisationsItNames() {
        fixture.givenNoPriorActivity()
                .when(shareRecord(), by(NORTHSIDE_STAFF))
                .expectSuccessfulHandlerExecution()
                .expectEvents(recordShared())
                .expectResultMessagePayload(1L);
    }

    @Test
    void sharingSchedulesTheEndOfAccessAtValidUntil() {
        fixture.givenCurrentTime(SHARED_AT)
                .when(shareRecord(), by(NORTHSIDE_STAFF))
                .expectScheduledDeadlineWithName(VALID_UNTIL, EXPIRY_DEADLINE);
    }

    @Test
    void complianceOfficerCannotShareARecord() {
        fixture.givenNoPriorActivity()
                .when(shareRecord(), by(NORTHSIDE_COMPLIANCE))
                .expectException(refusal(Refusal.Kind.FORBIDDEN,
                        equalTo("only clinicians or coordinators can share a record")))
                .expectNoEvents()
                .expectNoScheduledDeadlines();
    }

    @Test
    void clinicCannotShareARecordWithItself() {
        fixture.givenNoPriorActivity()
                .when(shareRecord(Set.of(RIVERSIDE, NORTHSIDE)), by(NORTHSIDE_STAFF))
                .expectException(invalidField("recipients", equalTo("a clinic cannot share a record with itself")))
                .expectNoEvents();
    }

    @Test
    void sharingWithNobodyIsRefused() {
        fixture.givenNoPriorActivity()
                .when(shareRecord(Set.of()), by(NORTHSIDE_STAFF))
                .expectException(invalidField("recipients",
                        equalTo("name at least one organisation to share the record with")))
                .expectNoEvents();
    }

    @Test
    void sharingWithoutAPatientOrAReferralIsRefused() {
        var noPatient = new dev.careloop.api.record.ShareRecord(RECORD_ID, null, null, Set.of(RIVERSIDE),
                DISCHARGE_SUMMARY, TITLE, null, VERSION_1, "TREAT", VALID_UNTIL);
        fixture.givenNoPriorActivity()
                .when(noPatient, by(NORTHSIDE_STAFF))
                .expectException(invalidField("patient", equalTo("name the patient the record is about")))
                .expectNoEvents();
    }
}

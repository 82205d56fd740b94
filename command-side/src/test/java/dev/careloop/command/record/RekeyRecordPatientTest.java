package dev.careloop.command.record;

import dev.careloop.api.privacy.PatientRekeyed;
import dev.careloop.api.record.RecordAccessRevoked;
import dev.careloop.api.record.RekeyRecordPatient;
import dev.careloop.api.record.RevokeRecordAccess;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import static dev.careloop.command.CommandTesting.by;
import static dev.careloop.command.record.RecordTestData.*;

/**
 * The migration re-keys a shared record's patient once; it is not a revision of the record (If-Match stays), and the
 * record's later events name the keyed id.
 */
class RekeyRecordPatientTest {

    private static final String KEYED = "keyed-id";
    private final AggregateTestFixture<SharedRecord> fixture = fixture();
    private final PatientRekeyed rekeyed = new PatientRekeyed(RECORD_ID, PATIENT.patientId(), KEYED);

    @Test
    void theRecordsPatientIsRekeyedByAnEventOfItsOwn() {
        fixture.given(recordShared())
                .when(new RekeyRecordPatient(RECORD_ID, PATIENT.patientId(), KEYED))
                .expectEvents(rekeyed)
                .expectResultMessagePayload(true);
    }

    @Test
    void aSecondRekeyAppendsNothing() {
        fixture.given(recordShared(), rekeyed)
                .when(new RekeyRecordPatient(RECORD_ID, PATIENT.patientId(), KEYED))
                .expectNoEvents()
                .expectResultMessagePayload(false);
    }

    @Test
    void theRekeyingIsNoRevisionAndLaterEventsNameTheKeyedId() {
        fixture.given(recordShared(), rekeyed)
                .when(new RevokeRecordAccess(RECORD_ID, RIVERSIDE, REVOKE_REASON), by(NORTHSIDE_STAFF, 1))
                .expectEvents(new RecordAccessRevoked(RECORD_ID, KEYED, RIVERSIDE, REVOKE_REASON))
                .expectResultMessagePayload(2L);
    }
}

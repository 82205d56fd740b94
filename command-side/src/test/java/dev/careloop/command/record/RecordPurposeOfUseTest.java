package dev.careloop.command.record;

import dev.careloop.api.Actor;
import dev.careloop.api.PurposeOfUse;
import dev.careloop.api.record.DiscloseRecord;
import dev.careloop.api.record.EmergencyAccessReviewed;
import dev.careloop.api.record.EmergencyAccessUsed;
import dev.careloop.api.record.RecordAccessRevoked;
import dev.careloop.api.record.RecordDisclosed;
import dev.careloop.api.record.RecordShared;
import dev.careloop.api.record.ReviewEmergencyAccess;
import dev.careloop.command.rules.Refusal;
import dev.careloop.command.rules.Rules;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Set;

import static dev.careloop.command.CommandTesting.by;
import static dev.careloop.command.record.RecordTestData.*;
import static org.axonframework.test.matchers.Matchers.andNoMore;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;
import static org.axonframework.test.matchers.Matchers.matches;
import static org.axonframework.test.matchers.Matchers.messageWithPayload;
import static org.hamcrest.Matchers.equalTo;

/**
 * The purpose of use is part of consent: a grant names the purposes it allows, and a read for any other purpose is
 * refused and audited. Break-the-glass (ETREAT with a justification) lets a clinician of an organisation that turned
 * it on read outside consent, recorded as an emergency access for the owner to review. Expectations are written
 * here by hand, not derived from AccessPolicy.
 */
class RecordPurposeOfUseTest {

    private static final Actor LAKESIDE_COORDINATOR = actor("coord-lake", LAKESIDE, Actor.COORDINATOR);
    private static final String JUSTIFICATION = "unconscious in A&E, allergy history needed";

    private final AggregateTestFixture<SharedRecord> fixture = fixture();

    /** grant: the purposes the share allows (space separated); read: the purpose stated; then the outcome. */
    @ParameterizedTest(name = "grant {0}, read for {1}: {2}")
    @CsvSource({
            "TREAT,         TREAT,   disclosed",
            "TREAT,         COC,     refused",
            "TREAT,         HOPERAT, refused",
            "TREAT,         HCOMPL,  refused",
            "COC,           TREAT,   refused",
            "COC,           COC,     disclosed",
            "COC,           HOPERAT, refused",
            "COC,           HCOMPL,  refused",
            "HOPERAT,       TREAT,   refused",
            "HOPERAT,       COC,     refused",
            "HOPERAT,       HOPERAT, disclosed",
            "HOPERAT,       HCOMPL,  refused",
            "HCOMPL,        TREAT,   refused",
            "HCOMPL,        COC,     refused",
            "HCOMPL,        HOPERAT, refused",
            "HCOMPL,        HCOMPL,  disclosed",
            "TREAT COC,     TREAT,   disclosed",
            "TREAT COC,     COC,     disclosed",
            "TREAT COC,     HOPERAT, refused",
            "TREAT COC,     HCOMPL,  refused"
    })
    void recipientReadsOnlyForAPurposeItsGrantAllows(String grant, String purpose, String outcome) {
        Set<String> purposes = Set.copyOf(Arrays.asList(grant.split(" ")));
        RecordShared shared = new RecordShared(RECORD_ID, null, NORTHSIDE, PATIENT, Set.of(RIVERSIDE, HILLSIDE),
                DISCHARGE_SUMMARY, TITLE, DESCRIPTION, VERSION_1, grant.split(" ")[0], VALID_UNTIL, purposes);
        var then = fixture.given(shared).when(new DiscloseRecord(RECORD_ID, null, purpose, READ_AT),
                by(RIVERSIDE_CLINICIAN));
        if (outcome.equals("disclosed")) {
            then.expectEvents(new RecordDisclosed(RECORD_ID, RIVERSIDE, purpose, 1, VERSION_1.sha256(),
                    VERSION_1.size(), READ_AT));
        } else {
            then.expectException(denied(equalTo("the grant allows " + String.join(", ",
                    purposes.stream().sorted().toList()) + ", not " + purpose))).expectNoEvents();
        }
    }

    @Test
    void aShareWrittenBeforePurposeListsAllowsItsOnePurpose() {
        fixture.given(recordShared())
                .when(new DiscloseRecord(RECORD_ID, null, PurposeOfUse.OPERATIONS, READ_AT), by(RIVERSIDE_CLINICIAN))
                .expectException(denied(equalTo("the grant allows TREAT, not HOPERAT")))
                .expectNoEvents();
    }

    @Test
    void theAuthorReadsItsOwnRecordForAnyPurpose() {
        fixture.given(recordShared())
                .when(new DiscloseRecord(RECORD_ID, null, PurposeOfUse.OPERATIONS, READ_AT), by(NORTHSIDE_STAFF))
                .expectEvents(new RecordDisclosed(RECORD_ID, NORTHSIDE, PurposeOfUse.OPERATIONS, 1,
                        VERSION_1.sha256(), VERSION_1.size(), READ_AT));
    }

    @Test
    void anUnknownPurposeIsAnInvalidRequestAndDisclosesNothing() {
        fixture.given(recordShared())
                .when(new DiscloseRecord(RECORD_ID, null, "RESEARCH", READ_AT), by(RIVERSIDE_CLINICIAN))
                .expectException(Rules.InvalidField.class)
                .expectNoEvents();
    }

    @Test
    void clinicianOfAnOrganisationWithBreakTheGlassReadsOutsideConsentAndTheEmergencyIsRecorded() {
        fixture.given(recordShared())
                .when(new DiscloseRecord(RECORD_ID, null, PurposeOfUse.EMERGENCY, READ_AT, JUSTIFICATION),
                        by(LAKESIDE_STAFF))
                .expectSuccessfulHandlerExecution()
                .expectEventsMatching(exactSequenceOf(
                        messageWithPayload(matches((EmergencyAccessUsed e) -> e.organisation().equals(LAKESIDE)
                                && e.ownerOrganisation().equals(NORTHSIDE) && e.userId().equals("dr-lake")
                                && e.justification().equals(JUSTIFICATION) && e.version() == 1
                                && e.patientId().equals(PATIENT.patientId()) && e.accessId() != null)),
                        messageWithPayload(equalTo(new RecordDisclosed(RECORD_ID, LAKESIDE, PurposeOfUse.EMERGENCY, 1,
                                VERSION_1.sha256(), VERSION_1.size(), READ_AT))),
                        andNoMore()));
    }

    @Test
    void aRecipientWhoseAccessWasRevokedCanStillBreakTheGlassWhereItsOrganisationAllows() {
        AggregateTestFixture<SharedRecord> riversideMayBreakGlass = fixture(RIVERSIDE);
        riversideMayBreakGlass.given(recordShared(), new RecordAccessRevoked(RECORD_ID, PATIENT.patientId(),
                        RIVERSIDE, REVOKE_REASON))
                .when(new DiscloseRecord(RECORD_ID, null, PurposeOfUse.EMERGENCY, READ_AT, JUSTIFICATION),
                        by(RIVERSIDE_CLINICIAN))
                .expectSuccessfulHandlerExecution()
                .expectEventsMatching(exactSequenceOf(messageWithPayload(matches((EmergencyAccessUsed e) ->
                                e.organisation().equals(RIVERSIDE))),
                        messageWithPayload(matches((RecordDisclosed d) -> d.purposeOfUse().equals("ETREAT"))),
                        andNoMore()));
    }

    @Test
    void breakTheGlassIsRefusedWhereTheOrganisationHasNotTurnedItOn() {
        fixture.given(recordShared())
                .when(new DiscloseRecord(RECORD_ID, null, PurposeOfUse.EMERGENCY, READ_AT, JUSTIFICATION),
                        by(RIVERSIDE_CLINICIAN))
                .expectException(denied(equalTo("break-the-glass refused: it is not enabled for the organisation")))
                .expectNoEvents();
    }

    @Test
    void breakTheGlassIsRefusedToStaffWhoAreNotClinicians() {
        fixture.given(recordShared())
                .when(new DiscloseRecord(RECORD_ID, null, PurposeOfUse.EMERGENCY, READ_AT, JUSTIFICATION),
                        by(LAKESIDE_COORDINATOR))
                .expectException(denied(equalTo(
                        "break-the-glass refused: only clinicians may read a record outside its consent")))
                .expectNoEvents();
    }

    @Test
    void breakTheGlassWithoutAJustificationIsAnInvalidRequest() {
        fixture.given(recordShared())
                .when(new DiscloseRecord(RECORD_ID, null, PurposeOfUse.EMERGENCY, READ_AT, " "), by(LAKESIDE_STAFF))
                .expectException(Rules.InvalidField.class)
                .expectNoEvents();
    }

    @Test
    void theOwnersComplianceOfficerMarksAnEmergencyAccessReviewedOnce() {
        EmergencyAccessUsed used = new EmergencyAccessUsed(RECORD_ID, PATIENT.patientId(), "ea-1", NORTHSIDE,
                LAKESIDE, "dr-lake", 1, JUSTIFICATION, READ_AT);
        fixture.given(recordShared(), used)
                .when(new ReviewEmergencyAccess(RECORD_ID, "ea-1", "justified: patient arrived unconscious"),
                        by(NORTHSIDE_COMPLIANCE))
                .expectEvents(new EmergencyAccessReviewed(RECORD_ID, PATIENT.patientId(), "ea-1", "audit-north",
                        "justified: patient arrived unconscious"));
        fixture.given(recordShared(), used, new EmergencyAccessReviewed(RECORD_ID, PATIENT.patientId(), "ea-1",
                        "audit-north", "ok"))
                .when(new ReviewEmergencyAccess(RECORD_ID, "ea-1", "again"), by(NORTHSIDE_COMPLIANCE))
                .expectException(Refusal.class)
                .expectNoEvents();
    }

    @Test
    void onlyTheOwnerReviewsAnEmergencyAccess() {
        EmergencyAccessUsed used = new EmergencyAccessUsed(RECORD_ID, PATIENT.patientId(), "ea-1", NORTHSIDE,
                LAKESIDE, "dr-lake", 1, JUSTIFICATION, READ_AT);
        fixture.given(recordShared(), used)
                .when(new ReviewEmergencyAccess(RECORD_ID, "ea-1", "fine"), by(LAKESIDE_STAFF))
                .expectException(Refusal.class)
                .expectExceptionMessage("no such emergency access")
                .expectNoEvents();
    }
}

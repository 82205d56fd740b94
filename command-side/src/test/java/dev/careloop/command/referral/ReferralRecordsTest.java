package dev.careloop.command.referral;

import dev.careloop.api.record.DocumentType;
import dev.careloop.api.referral.InterimNoteSent;
import dev.careloop.api.referral.OutcomeSent;
import dev.careloop.api.referral.RecordAttached;
import dev.careloop.api.referral.SendInterimNote;
import dev.careloop.api.referral.SendOutcome;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.careloop.api.referral.ReferralStatus.ACCEPTED;
import static dev.careloop.api.referral.ReferralStatus.COMPLETED;
import static dev.careloop.api.referral.ReferralStatus.INTERIM_NOTE_SENT;
import static dev.careloop.command.referral.ReferralTestData.*;
import static org.hamcrest.Matchers.equalTo;

/** The receiving clinic returns notes and the outcome with shared records attached to the referral. */
class ReferralRecordsTest {

    private static final String BIOPSY_REPORT = "rec-biopsy";
    private static final String UNRELATED_RECORD = "rec-elsewhere";
    private static final DocumentType PATHOLOGY = new DocumentType("11526-1", "Pathology study");

    private final AggregateTestFixture<Referral> fixture = referralFixture();

    private static RecordAttached biopsyReportAttached() {
        return new RecordAttached(REFERRAL_ID, PATIENT.patientId(), BIOPSY_REPORT, "Biopsy histology", PATHOLOGY,
                ACCEPTED);
    }

    @Test
    void interimNoteCarriesTheAttachedRecordsItNames() {
        fixture.given(referralSent(), accepted(), biopsyReportAttached())
                .when(new SendInterimNote(REFERRAL_ID, INTERIM_NOTE, List.of(BIOPSY_REPORT)), by(RIVERSIDE_CLINICIAN))
                .expectEvents(new InterimNoteSent(REFERRAL_ID, PATIENT.patientId(), INTERIM_NOTE, INTERIM_NOTE_SENT,
                        List.of(BIOPSY_REPORT)));
    }

    @Test
    void outcomeCarriesTheAttachedRecordsItNames() {
        fixture.given(referralSent(), accepted(), biopsyReportAttached())
                .when(new SendOutcome(REFERRAL_ID, REPORT, List.of(BIOPSY_REPORT)), by(RIVERSIDE_CLINICIAN))
                .expectEvents(new OutcomeSent(REFERRAL_ID, PATIENT.patientId(), REPORT, COMPLETED,
                        List.of(BIOPSY_REPORT)));
    }

    @Test
    void outcomeNamingARecordNotAttachedToTheReferralIsRefused() {
        fixture.given(referralSent(), accepted(), biopsyReportAttached())
                .when(new SendOutcome(REFERRAL_ID, REPORT, List.of(BIOPSY_REPORT, UNRELATED_RECORD)),
                        by(RIVERSIDE_CLINICIAN))
                .expectException(invalidField("recordIds", equalTo("record " + UNRELATED_RECORD
                        + " is not attached to this referral; share it with the referral first")))
                .expectNoEvents();
    }

    @Test
    void interimNoteNamingARecordNotAttachedToTheReferralIsRefused() {
        fixture.given(referralSent(), accepted())
                .when(new SendInterimNote(REFERRAL_ID, INTERIM_NOTE, List.of(UNRELATED_RECORD)),
                        by(RIVERSIDE_CLINICIAN))
                .expectException(invalidField("recordIds", equalTo("record " + UNRELATED_RECORD
                        + " is not attached to this referral; share it with the referral first")))
                .expectNoEvents();
    }
}

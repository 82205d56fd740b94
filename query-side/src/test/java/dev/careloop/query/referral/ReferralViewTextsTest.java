package dev.careloop.query.referral;

import dev.careloop.api.TestPatients;
import dev.careloop.api.MetadataKeys;
import dev.careloop.api.Patient;
import dev.careloop.api.referral.*;
import dev.careloop.query.ReadModelDatabase;
import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the receiving clinic wrote back, and the question it asked, as the referral view shows them. */
class ReferralViewTextsTest {

    private static final String GP = "northside-gp";
    private static final String DERM = "riverside-derm";
    private static final String PATIENT = "patient-1";

    private final ReferralReadModel readModel = new ReferralReadModel(ReadModelDatabase.jdbc(),
            ReadModelDatabase.JSON);
    private final ReadModelDatabase.Projections projections = new ReadModelDatabase.Projections(
            new ReferralViewProjection(ReadModelDatabase.stores()),
            new ReferralTimelineProjection(ReadModelDatabase.stores(), ReadModelDatabase.journal()));
    private long nextSequence;

    @BeforeEach
    void anAcceptedReferral() {
        ReadModelDatabase.jdbc().update("DELETE FROM referral_view");
        ReadModelDatabase.jdbc().update("DELETE FROM referral_timeline");
        projections.deliver(
                event(GP, new ReferralSent("r1", "GP-0001", "urn:careloop:northside-gp:referral", GP, DERM,
                        TestPatients.patient("urn:careloop:northside-gp:mrn", "MRN-1", "Ada Lovelace", LocalDate.of(1980, 1, 2)),
                        Priority.ROUTINE, "Dermatology", "Changing mole", null, Instant.parse("2026-12-20T00:00:00Z"),
                        null, ReferralStatus.CREATED)),
                event(DERM, new ReferralAccepted("r1", ReferralStatus.ACCEPTED)));
    }

    @Test
    void aReferralDeclinedWhileOnHoldNoLongerShowsItsQuestionButSaysWhyItWasDeclined() {
        projections.deliver(event(DERM, new InformationRequested("r1", PATIENT, "Any family history?",
                ReferralStatus.INFORMATION_REQUESTED)));
        assertThat(readModel.find("r1", GP).orElseThrow().openQuestion()).isEqualTo("Any family history?");

        projections.deliver(event(DERM, new ReferralDeclined("r1", PATIENT, "Outside our catchment area",
                ReferralStatus.DECLINED)));

        ReferralView view = readModel.find("r1", GP).orElseThrow();
        assertThat(view.status()).isEqualTo(ReferralStatus.DECLINED);
        assertThat(view.openQuestion()).isNull();
        assertThat(view.declineReason()).isEqualTo("Outside our catchment area");
    }

    @Test
    void aCancellationRequestedWhileOnHoldClosesTheQuestion() {
        projections.deliver(event(DERM, new InformationRequested("r1", PATIENT, "Any family history?",
                        ReferralStatus.INFORMATION_REQUESTED)),
                event(GP, new CancellationRequested("r1", PATIENT, "Seen privately",
                        ReferralStatus.CANCELLATION_REQUESTED)));

        assertThat(readModel.find("r1", DERM).orElseThrow().openQuestion()).isNull();
    }

    @Test
    void theViewShowsTheInterimNotesInOrderAndTheConsultReport() {
        projections.deliver(event(DERM, new InterimNoteSent("r1", PATIENT, "Biopsy taken", ReferralStatus.INTERIM_NOTE_SENT,
                        List.of())),
                event(DERM, new InterimNoteSent("r1", PATIENT, "Histology pending", ReferralStatus.INTERIM_NOTE_SENT,
                        List.of())),
                event(DERM, new OutcomeSent("r1", PATIENT, "Benign naevus; no follow-up needed",
                        ReferralStatus.COMPLETED, List.of())));

        ReferralView view = readModel.find("r1", GP).orElseThrow();
        assertThat(view.interimNotes()).containsExactly("Biopsy taken", "Histology pending");
        assertThat(view.consultReport()).isEqualTo("Benign naevus; no follow-up needed");
        assertThat(view.declineReason()).isNull();
    }

    private DomainEventMessage<Object> event(String org, ReferralEvent e) {
        return ReadModelDatabase.event("Referral", e.referralId(), nextSequence++, e,
                Map.of(MetadataKeys.USER, "staff-of-" + org, MetadataKeys.ORGANISATION, org));
    }
}

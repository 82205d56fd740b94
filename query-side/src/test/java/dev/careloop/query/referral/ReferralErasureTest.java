package dev.careloop.query.referral;

import dev.careloop.api.MetadataKeys;
import dev.careloop.api.TestPatients;
import dev.careloop.api.Patient;
import dev.careloop.api.referral.InformationRequested;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.referral.ReferralDeclined;
import dev.careloop.api.referral.ReferralEvent;
import dev.careloop.api.referral.ReferralSent;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.api.referral.ReferralView;
import dev.careloop.query.ReadModelDatabase;
import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Erasure in the referral view and timeline: the patient's identity and the clinical text written about them become
 * the placeholders the log then reads as; other patients' referrals keep theirs.
 */
class ReferralErasureTest {

    private static final String GP = "northside-gp";
    private static final String DERM = "riverside-derm";
    private static final Patient ADA = TestPatients.patient("urn:careloop:northside-gp:mrn", "MRN-1", "Ada Lovelace",
            LocalDate.of(1980, 1, 2));
    private static final Patient GRACE = TestPatients.patient("urn:careloop:northside-gp:mrn", "MRN-2", "Grace Hopper", null);

    private final ReferralReadModel readModel = new ReferralReadModel(ReadModelDatabase.jdbc(),
            ReadModelDatabase.JSON);
    private final ReferralViewProjection view = new ReferralViewProjection(ReadModelDatabase.stores());
    private final ReferralTimelineProjection timeline = new ReferralTimelineProjection(ReadModelDatabase.stores(),
            ReadModelDatabase.journal());
    private final ReadModelDatabase.Projections projections = new ReadModelDatabase.Projections(view, timeline);
    private final Map<String, Long> sequences = new HashMap<>();

    @BeforeEach
    void twoPatientsReferralsWithAnOpenQuestionAndADecline() {
        ReadModelDatabase.jdbc().update("DELETE FROM referral_view");
        ReadModelDatabase.jdbc().update("DELETE FROM referral_timeline");
        for (var referral : Map.of("r1", ADA, "r2", GRACE).entrySet()) {
            String id = referral.getKey();
            String patientId = referral.getValue().patientId();
            projections.deliver(
                    event(GP, new ReferralSent(id, "GP-" + id, "urn:careloop:northside-gp:referral", GP, DERM,
                            referral.getValue(), Priority.ROUTINE, "Dermatology", "Changing mole", "Itches",
                            Instant.parse("2026-12-20T00:00:00Z"), null, ReferralStatus.CREATED)),
                    event(DERM, new InformationRequested(id, patientId, "Family history?",
                            ReferralStatus.INFORMATION_REQUESTED)));
        }
        projections.deliver(event(DERM, new ReferralDeclined("r2", GRACE.patientId(), "Not our specialty",
                ReferralStatus.DECLINED)));
    }

    @Test
    void erasureReplacesThePatientAndTheirClinicalTextInTheViewAndTheTimelineOnce() {
        assertThat(view.scrub(ADA.patientId())).isEqualTo(1);
        assertThat(timeline.scrub(ADA.patientId())).as("the sent referral and the question").isEqualTo(2);
        assertThat(view.scrub(ADA.patientId()) + timeline.scrub(ADA.patientId())).as("already erased").isZero();

        ReferralView erased = readModel.find("r1", GP).orElseThrow();
        assertThat(erased.patient()).isEqualTo(Patient.erased(ADA.patientId()));
        assertThat(erased.reason()).isEqualTo("(erased)");
        assertThat(erased.openQuestion()).isEqualTo("(erased)");
        assertThat(details("r1")).containsExactly(
                "{\"note\": \"(erased)\", \"reason\": \"(erased)\", \"patient\": " + erasedPatientJson()
                        + ", \"service\": \"Dermatology\"}",
                "{\"question\": \"(erased)\", \"patientId\": \"" + ADA.patientId() + "\"}");
    }

    @Test
    void erasureReachesTheDeclineReasonTheInterimNotesAndTheConsultReport() {
        projections.deliver(event(DERM, new dev.careloop.api.referral.InterimNoteSent("r1", ADA.patientId(),
                        "Biopsy taken", ReferralStatus.INTERIM_NOTE_SENT, List.of())),
                event(DERM, new dev.careloop.api.referral.OutcomeSent("r1", ADA.patientId(), "Benign",
                        ReferralStatus.COMPLETED, List.of())));

        view.scrub(ADA.patientId());
        view.scrub(GRACE.patientId());

        ReferralView ada = readModel.find("r1", GP).orElseThrow();
        assertThat(ada.interimNotes()).containsExactly("(erased)");
        assertThat(ada.consultReport()).isEqualTo("(erased)");
        assertThat(readModel.find("r2", GP).orElseThrow().declineReason()).isEqualTo("(erased)");
    }

    @Test
    void anotherPatientsReferralKeepsItsClinicalText() {
        view.scrub(ADA.patientId());
        timeline.scrub(ADA.patientId());

        ReferralView kept = readModel.find("r2", GP).orElseThrow();
        assertThat(kept.patient()).isEqualTo(GRACE);
        assertThat(kept.reason()).isEqualTo("Changing mole");
        assertThat(String.join("\n", details("r2"))).contains("Changing mole", "Itches", "Family history?",
                "Not our specialty", "Grace Hopper").doesNotContain("(erased)");
    }

    /** Each timeline entry's details, with only the properties this test is about. */
    private static List<String> details(String referralId) {
        return ReadModelDatabase.jdbc().queryForList("""
                SELECT jsonb_strip_nulls(details - 'referralNumber' - 'identifierSystem' - 'initiatorOrganisation'
                    - 'recipientOrganisation' - 'priority' - 'slaDueAt' - 'basedOnReferralId')::text
                FROM referral_timeline WHERE referral_id = ? ORDER BY sequence_number""", String.class, referralId);
    }

    private static String erasedPatientJson() {
        return "{\"name\": \"(erased)\", \"patientId\": \"" + ADA.patientId() + "\", \"identifierValue\": \""
                + ADA.patientId() + "\", \"identifierSystem\": \"urn:careloop:erased\"}";
    }

    private DomainEventMessage<Object> event(String org, ReferralEvent e) {
        long sequence = sequences.merge(e.referralId(), 1L, Long::sum) - 1;
        return ReadModelDatabase.event("Referral", e.referralId(), sequence, e,
                Map.of(MetadataKeys.USER, "staff-of-" + org, MetadataKeys.ORGANISATION, org));
    }
}

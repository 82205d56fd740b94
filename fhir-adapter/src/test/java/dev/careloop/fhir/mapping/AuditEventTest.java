package dev.careloop.fhir.mapping;

import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;

import static dev.careloop.fhir.TestEvents.*;
import static dev.careloop.fhir.mapping.Resources.one;
import static org.assertj.core.api.Assertions.assertThat;

/** IHE BALP-style audit of reads of shared content. */
class AuditEventTest {

    private final R4ChangeProjector projector = new R4ChangeProjector();

    @Test
    void aDisclosureNamesTheUserTheirOrganisationTheAppThePatientTheDocumentAndTheRequest() {
        AuditEvent audit = one(projector.project(Histories.longRecord().first(2)), AuditEvent.class);

        assertThat(audit.getType().getCode()).isEqualTo("rest");
        assertThat(audit.getSubtypeFirstRep().getCode()).isEqualTo("read");
        assertThat(audit.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
        assertThat(audit.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
        assertThat(audit.getRecorded().toInstant()).isEqualTo(at(1));
        assertThat(audit.getPurposeOfEventFirstRep().getCodingFirstRep().getCode()).isEqualTo("TREAT");

        AuditEvent.AuditEventAgentComponent user = audit.getAgent().stream().filter(a -> a.getRequestor())
                .findFirst().orElseThrow();
        assertThat(user.getWho().getIdentifier().getValue()).isEqualTo(Histories.DERM_USER);
        assertThat(user.getPurposeOfUseFirstRep().getCodingFirstRep().getCode()).isEqualTo("TREAT");
        assertThat(audit.getAgent()).extracting(a -> a.getWho().hasReference() ? a.getWho().getReference()
                        : a.getWho().getIdentifier().getValue())
                .contains("Organization/" + DERM, "careloop-web", "careloop");
        assertThat(audit.getSource().getObserver().getDisplay()).isEqualTo("CareLoop");

        AuditEvent.AuditEventEntityComponent patient = audit.getEntity().get(0);
        assertThat(patient.getRole().getCode()).isEqualTo("1");
        // Named by the platform id, like every other AuditEvent of the export; the MRN rides along as a detail.
        assertThat(patient.getWhat().getIdentifier().getSystem()).isEqualTo(R4.PATIENT_ID_SYSTEM);
        assertThat(patient.getWhat().getIdentifier().getValue()).isEqualTo(alex().patientId());
        assertThat(patient.getDetail()).extracting(d -> d.getType() + "=" + d.getValueStringType().getValue())
                .containsExactly("patient-identifier=https://northside-gp.example/mrn|NG-1001");
        assertThat(audit.getEntity()).extracting(e -> e.getWhat().hasReference() ? e.getWhat().getReference()
                        : e.getWhat().getIdentifier().getValue())
                .contains("DocumentReference/rec-1/_history/1", "req-" + DERM + "-1");
    }

    @Test
    void aRefusedReadIsAFailedReadWithItsReason() {
        AuditEvent audit = projector.accessDenied(deniedMessage(accessDenied(RECORD, "stranger-clinic"), "dr.who"));

        assertThat(audit.getIdElement().getIdPart()).isEqualTo("denied-rec-1-dr.who");
        assertThat(audit.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
        assertThat(audit.getOutcomeDesc()).isEqualTo("the record was not shared with stranger-clinic");
        assertThat(audit.getAgent()).extracting(a -> a.getWho().hasReference() ? a.getWho().getReference()
                : a.getWho().getIdentifier().getValue()).contains("dr.who", "Organization/stranger-clinic");
        assertThat(audit.getEntity()).extracting(e -> e.getWhat().getReference()).contains("DocumentReference/rec-1");
    }

    @Test
    void anEmergencyAccessIsAnEmergencyTreatmentReadTheOwnerCanTellApart() {
        AuditEvent audit = one(projector.project(Histories.longRecord().first(7)), AuditEvent.class);

        assertThat(audit.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
        assertThat(audit.getSubtype()).extracting(c -> c.getCode()).contains("read", "EmergencyAccessUsed");
        assertThat(audit.getPurposeOfEventFirstRep().getCodingFirstRep().getCode()).isEqualTo("ETREAT");
        assertThat(audit.getOutcomeDesc()).contains("break-the-glass").contains(CARDIO)
                .as("the justification is clinical text and stays in the log").doesNotContain("allergies");
        assertThat(audit.getEntity()).extracting(e -> e.getWhat().hasReference() ? e.getWhat().getReference()
                        : e.getWhat().getIdentifier().getValue())
                .contains(alex().patientId(), "DocumentReference/rec-1/_history/5"); // the last resource version showing document v2
    }

    @Test
    void theReviewOfAnEmergencyAccessIsAUseOfTheAuditLogByTheOwner() {
        AuditEvent audit = one(projector.project(Histories.longRecord().first(9)), AuditEvent.class);

        assertThat(audit.getType().getCode()).isEqualTo("110101");
        assertThat(audit.getOutcomeDesc()).isEqualTo("emergency access access-1 reviewed");
        assertThat(audit.getAgent()).extracting(a -> a.getWho().hasReference() ? a.getWho().getReference()
                        : a.getWho().getIdentifier().getValue())
                .contains("Organization/" + GP, Histories.GP_USER);
    }
}

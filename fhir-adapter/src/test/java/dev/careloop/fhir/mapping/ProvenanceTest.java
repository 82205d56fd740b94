package dev.careloop.fhir.mapping;

import dev.careloop.fhir.TestEvents.History;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.Test;

import static dev.careloop.fhir.TestEvents.*;
import static dev.careloop.fhir.mapping.Resources.one;
import static org.assertj.core.api.Assertions.assertThat;

class ProvenanceTest {

    private final R4ChangeProjector projector = new R4ChangeProjector();

    @Test
    void eachReferralChangeNamesTheVersionsItMadeWhoMadeThemAndForWhom() {
        History history = Histories.longReferral();
        for (int n = 1; n <= history.size(); n++) {
            Provenance provenance = one(projector.project(history.first(n)), Provenance.class);

            assertThat(provenance.getIdElement().getIdPart()).isEqualTo(REFERRAL + "-" + n);
            assertThat(provenance.getTarget()).extracting(r -> r.getReference())
                    .contains("ServiceRequest/" + REFERRAL + "/_history/" + n, "Task/" + REFERRAL + "/_history/" + n);
            assertThat(provenance.getRecorded().toInstant()).isEqualTo(at(n - 1));
            assertThat(provenance.getActivity().getCoding()).extracting(Coding::getCode)
                    .contains(n == 1 ? "CREATE" : "UPDATE");
        }
    }

    @Test
    void theTargetVersionsSurviveEncoding() {
        Provenance provenance = one(projector.project(Histories.longReferral().first(4)), Provenance.class);

        String json = R4ChangeProjector.fhirContext().newJsonParser().encodeResourceToString(provenance);
        Provenance parsed = R4ChangeProjector.fhirContext().newJsonParser().parseResource(Provenance.class, json);

        assertThat(parsed.getTarget()).extracting(r -> r.getReference())
                .containsExactly("ServiceRequest/r-1/_history/4", "Task/r-1/_history/4");
    }

    @Test
    void theAgentIsTheUserActingForTheirOrganisationForTreatment() {
        Provenance forwarded = one(projector.project(Histories.longReferral().first(3)), Provenance.class);

        Provenance.ProvenanceAgentComponent agent = forwarded.getAgentFirstRep();
        assertThat(agent.getWho().getIdentifier().getSystem()).isEqualTo("https://careloop.dev/fhir/sid/user");
        assertThat(agent.getWho().getIdentifier().getValue()).isEqualTo(Histories.DERM_USER);
        assertThat(agent.getOnBehalfOf().getReference()).isEqualTo("Organization/" + DERM);
        assertThat(forwarded.getReasonFirstRep().getCodingFirstRep().getCode()).isEqualTo("TREAT");
        assertThat(forwarded.getActivity().getCoding()).extracting(Coding::getCode).contains("ReferralForwarded");
    }

    @Test
    void aQuestionsProvenanceAlsoNamesTheCommunication() {
        Provenance asked = one(projector.project(Histories.longReferral().first(5)), Provenance.class);

        assertThat(asked.getTarget()).extracting(r -> r.getReference())
                .contains("Communication/" + REFERRAL + "-5/_history/5");
    }

    @Test
    void aMissedServiceLevelIsCareLoopsOwnChange() {
        Provenance missed = one(projector.project(Histories.longReferral().first(2)), Provenance.class);

        assertThat(missed.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo("careloop");
        assertThat(missed.getAgentFirstRep().hasOnBehalfOf()).isFalse();
    }

    @Test
    void recordAndAppointmentChangesHaveTheirProvenanceToo() {
        Provenance amended = one(projector.project(Histories.longRecord().first(3)), Provenance.class);
        Provenance handedOff = one(projector.project(Histories.longAppointment().first(5)), Provenance.class);

        assertThat(amended.getTarget()).extracting(r -> r.getReference())
                .containsExactly("DocumentReference/" + RECORD + "/_history/3", "Consent/" + RECORD + "/_history/3");
        assertThat(amended.getAgentFirstRep().getOnBehalfOf().getReference()).isEqualTo("Organization/" + GP);
        assertThat(handedOff.getTarget()).extracting(r -> r.getReference())
                .containsExactly("Appointment/" + APPOINTMENT + "/_history/5");
    }
}

package dev.careloop.fhir.mapping;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;

import java.util.List;

/** One Provenance per change: which resource versions it made, who made them, for whom and why. */
final class Provenances {

    static final String DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
    static final String PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

    private Provenances() {
    }

    static Provenance of(Step step, List<? extends Resource> targets) {
        Provenance provenance = step.stamp(new Provenance(), step.aggregateId() + "-" + step.version());
        targets.forEach(target -> provenance.addTarget(R4.versioned(target)));
        provenance.setRecordedElement(R4.instant(step.recorded()));
        provenance.setActivity(new CodeableConcept()
                .addCoding(step.creates()
                        ? new Coding(DATA_OPERATION, "CREATE", "create")
                        : new Coding(DATA_OPERATION, "UPDATE", "revise"))
                .addCoding(new Coding(R4.EVENT_TYPE_SYSTEM, step.eventName(), null)));
        Acting acting = step.acting();
        Provenance.ProvenanceAgentComponent agent = provenance.addAgent();
        if (acting.byUser()) {
            agent.setType(new CodeableConcept(new Coding(PARTICIPANT_TYPE, "author", "Author")))
                    .setWho(acting.who());
            if (acting.organisation() != null) {
                agent.setOnBehalfOf(R4.organisation(acting.organisation()));
            }
        } else {
            // A deadline fired: CareLoop made the change itself.
            agent.setType(new CodeableConcept(new Coding(PARTICIPANT_TYPE, "assembler", "Assembler")))
                    .setWho(R4.careLoop());
        }
        if (acting.purposeOfUse() != null) {
            provenance.addReason(new CodeableConcept(R4.purposeOfUse(acting.purposeOfUse())));
        }
        return provenance;
    }
}

package dev.careloop.fhir.delivery;

import ca.uhn.fhir.util.FhirTerser;
import dev.careloop.api.referral.ReferralStatus;
import dev.careloop.fhir.FhirValidation;
import dev.careloop.fhir.TestEvents.History;
import dev.careloop.fhir.directory.FhirDirectory;
import dev.careloop.fhir.mapping.FhirChange;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import dev.careloop.fhir.partner.DeliveryMode;
import dev.careloop.fhir.partner.Partner;
import dev.careloop.fhir.partner.PartnerAuth;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.careloop.fhir.TestEvents.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a partner with referential integrity (a stock HAPI JPA server) needs: every reference in a pushed Bundle
 * names a resource of the same Bundle, or is logical; none is version-specific; every resource is valid R4.
 */
class WholePushesTest {

    private static final String FHIR_BASE = "https://careloop.example/fhir";
    private static final Set<String> EVERY_TYPE = Set.of("ServiceRequest", "Task", "Communication", "Appointment",
            "DocumentReference", "Consent", "Provenance", "AuditEvent");

    private final R4ChangeProjector projector = new R4ChangeProjector();

    private final History referral = referral(REFERRAL)
            .by("dr.north", GP).then(referralSent(REFERRAL, GP, DERM, null))
            .then(recordAttached(REFERRAL, RECORD, ReferralStatus.CREATED))
            .by("dr.river", DERM).then(forwarded(REFERRAL, DERM, CARDIO))
            .by("dr.lake", CARDIO).then(accepted(REFERRAL))
            .then(outcomeSent(REFERRAL, List.of(RECORD)));
    private final History record = record(RECORD)
            .by("dr.north", GP).then(recordShared(RECORD, REFERRAL, GP, Set.of(DERM, CARDIO)))
            .by("dr.lake", CARDIO).then(disclosed(RECORD, CARDIO, 1, SHA_1))
            .by("dr.north", GP).then(recordAmended(RECORD, 2))
            .then(accessRevoked(RECORD, CARDIO));
    private final History appointment = appointment(APPOINTMENT)
            .by("dr.lake", CARDIO).then(appointmentProposed(APPOINTMENT, REFERRAL, CARDIO, Set.of(GP)))
            .then(appointmentBooked(APPOINTMENT, REFERRAL, CARDIO, Set.of(GP)))
            .then(handedOff(APPOINTMENT, REFERRAL, CARDIO, DERM));
    private final Map<String, History> log = Map.of(REFERRAL, referral, RECORD, record, APPOINTMENT, appointment);

    /** The directory and the log as the facade reads them, each as it is after every test event. */
    private final ReferencedResources referenced = (type, id, organisation) -> {
        if ("Practitioner".equals(type)) {
            return Optional.of(new Practitioner().addName(new HumanName().setText("Dr " + id)).setId(id));
        }
        if ("Patient".equals(type)) {
            return Optional.of(new Patient().addIdentifier(new Identifier().setSystem(alex().identifierSystem())
                    .setValue(alex().identifierValue())).setId(id));
        }
        if (FhirDirectory.serves(type)) {
            return Optional.of(FhirDirectory.resource(type, new FhirDirectory.Entry(id, id + " clinic",
                    List.of(new FhirDirectory.Service("derm", "Dermatology")))));
        }
        History history = log.get(id);
        if (history == null) {
            return Optional.empty();
        }
        FhirChange now = projector.project(history.events());
        return now.organisations().contains(organisation) ? now.resources().stream()
                .filter(r -> r.fhirType().equals(type)).findFirst() : Optional.empty();
    };

    @Test
    void everyChangePushedToEveryOrganisationNamesOnlyWhatTheSameBundleHolds() {
        int bundles = 0;
        for (History history : List.of(referral, record, appointment)) {
            for (int n = 1; n <= history.size(); n++) {
                FhirChange change = projector.project(history.first(n));
                for (String organisation : change.organisations()) {
                    Bundle pushed = push(change, partner(organisation, EVERY_TYPE));
                    bundles++;

                    Set<String> held = pushed.getEntry().stream().map(e -> e.getRequest().getUrl())
                            .collect(Collectors.toSet());
                    assertThat(literalReferences(pushed)).as(history.aggregateId() + " v" + n + " to " + organisation)
                            .allSatisfy(reference -> assertThat(held).contains(reference));
                    pushed.getEntry().forEach(e -> FhirValidation.assertValid(e.getResource()));
                }
            }
        }
        assertThat(bundles).isGreaterThan(10);
    }

    @Test
    void theFirstPushOfAReferralCarriesBothOrganisationsAndTheRecordItNames() {
        FhirChange attached = projector.project(referral.first(2));

        Bundle pushed = push(attached, partner(DERM, EVERY_TYPE));

        assertThat(pushed.getEntry()).extracting(e -> e.getRequest().getUrl())
                .contains("Organization/" + GP, "Organization/" + DERM, "DocumentReference/" + RECORD,
                        "ServiceRequest/" + REFERRAL, "Task/" + REFERRAL);
        DocumentReference document = resource(pushed, DocumentReference.class);
        assertThat(document.getContentFirstRep().getAttachment().getUrl())
                .as("the partner fetches the content from CareLoop, not from its own host")
                .startsWith("https://careloop.example/api/records/" + RECORD + "/content");
    }

    @Test
    void thePatientComesAlongWithTheFirstPushThatNamesThemWhateverTypesThePartnerAskedFor() {
        FhirChange sent = projector.project(referral.first(1));

        Bundle pushed = push(sent, partner(DERM, Set.of("ServiceRequest", "Task")));

        String patient = "Patient/" + alex().patientId();
        assertThat(pushed.getEntry()).extracting(e -> e.getRequest().getUrl()).contains(patient);
        assertThat(resource(pushed, ServiceRequest.class).getSubject().getReference()).isEqualTo(patient);
        assertThat(resource(pushed, Task.class).getFor().getReference()).isEqualTo(patient);
        assertThat(resource(pushed, Task.class).getFor().getIdentifier().getValue()).isEqualTo("NG-1001");
    }

    @Test
    void anErasedPatientIsSentWithoutIdentityWhateverTheReadModelsStillSay() {
        FhirChange erasedSending = projector.project(referral(REFERRAL).by("dr.north", GP)
                .then(referralSent(REFERRAL, GP, DERM, null)).first(1));
        ServiceRequest request = (ServiceRequest) erasedSending.resources().stream()
                .filter(r -> r instanceof ServiceRequest).findFirst().orElseThrow();
        request.getSubject().setIdentifier(new Identifier().setSystem(dev.careloop.api.Patient.ERASED_SYSTEM)
                .setValue(alex().patientId())).setDisplay(dev.careloop.api.Patient.ERASED_NAME);
        Partner partner = partner(DERM, Set.of("ServiceRequest"));

        List<Resource> sent = WholePushes.complete(List.of(request), partner, referenced, FHIR_BASE);

        Patient patient = (Patient) sent.stream().filter(r -> r instanceof Patient).findFirst().orElseThrow();
        assertThat(patient.getIdElement().getIdPart()).isEqualTo(alex().patientId());
        assertThat(patient.hasIdentifier()).isFalse();
        assertThat(patient.hasName()).isFalse();
    }

    @Test
    void thePersonAProvenanceNamesComesAlongWithIt() {
        Provenance provenance = new Provenance();
        provenance.setId(REFERRAL + "-1");
        provenance.addTarget(new Reference("ServiceRequest/" + REFERRAL + "/_history/1"));
        provenance.addAgent().setWho(new Reference("Practitioner/tom.okafor").setType("Practitioner")
                .setDisplay("Dr Tom Okafor")).setOnBehalfOf(new Reference("Organization/" + GP));
        Partner partner = partner(GP, EVERY_TYPE);

        List<Resource> sent = WholePushes.complete(List.of(provenance), partner, referenced, FHIR_BASE);

        assertThat(sent).extracting(r -> r.fhirType() + "/" + r.getIdElement().getIdPart())
                .contains("Practitioner/tom.okafor", "Organization/" + GP);
        Provenance pushed = (Provenance) sent.stream().filter(r -> r instanceof Provenance).findFirst().orElseThrow();
        assertThat(pushed.getAgentFirstRep().getWho().getReference()).isEqualTo("Practitioner/tom.okafor");
    }

    @Test
    void thePersonWhoSentTheReferralComesAsTheTaskNamesThemUntilTheFacadeCanServeThem() {
        History byPerson = referral(REFERRAL).byPerson("tom.okafor", "Dr Tom Okafor, general practitioner", GP)
                .then(referralSent(REFERRAL, GP, DERM, null));
        FhirChange sent = projector.project(byPerson.events());
        ReferencedResources noPeople = (type, id, organisation) -> type.startsWith("Practitioner") ? Optional.empty()
                : referenced.find(type, id, organisation);
        Partner partner = partner(DERM, EVERY_TYPE);

        Bundle pushed = Bundles.json().parseResource(Bundle.class, Bundles.transaction(partner.baseUrl(),
                WholePushes.complete(Bundles.forPartner(sent, partner), partner, noPeople, FHIR_BASE)));

        assertThat(resource(pushed, Task.class).getRequester().getReference())
                .isEqualTo("PractitionerRole/" + GP + ".tom.okafor");
        PractitionerRole role = resource(pushed, PractitionerRole.class);
        assertThat(role.getIdElement().getIdPart()).isEqualTo(GP + ".tom.okafor");
        assertThat(role.getOrganization().getReference()).isEqualTo("Organization/" + GP);
        assertThat(role.getPractitioner().getReference()).isEqualTo("Practitioner/tom.okafor");
        assertThat(resource(pushed, Practitioner.class).getIdElement().getIdPart()).isEqualTo("tom.okafor");
        FhirValidation.assertValid(role);
    }

    @Test
    void aPatientTheFacadeCannotServeYetComesAsTheResourceNamesThem() {
        FhirChange sent = projector.project(referral.first(1));
        ReferencedResources noPatient = (type, id, organisation) -> "Patient".equals(type) ? Optional.empty()
                : referenced.find(type, id, organisation);
        Partner partner = partner(DERM, EVERY_TYPE);

        Bundle pushed = Bundles.json().parseResource(Bundle.class, Bundles.transaction(partner.baseUrl(),
                WholePushes.complete(Bundles.forPartner(sent, partner), partner, noPatient, FHIR_BASE)));

        Patient patient = resource(pushed, Patient.class);
        assertThat(resource(pushed, ServiceRequest.class).getSubject().getReference())
                .isEqualTo("Patient/" + alex().patientId());
        assertThat(patient.getIdElement().getIdPart()).isEqualTo(alex().patientId());
        assertThat(patient.getIdentifierFirstRep().getSystem() + "|" + patient.getIdentifierFirstRep().getValue())
                .isEqualTo("https://northside-gp.example/mrn|NG-1001");
        assertThat(patient.getNameFirstRep().getText()).isEqualTo("Alex Morgan");
        assertThat(patient.hasBirthDate()).as("nothing the resource did not say").isFalse();
        FhirValidation.assertValid(patient);
    }

    @Test
    void whatThePartnerDidNotAskForStaysALogicalReferenceToCareLoopsCopy() {
        FhirChange attached = projector.project(referral.first(2));

        Bundle pushed = push(attached, partner(DERM, Set.of("ServiceRequest", "Task")));

        assertThat(pushed.getEntry()).extracting(e -> e.getRequest().getUrl())
                .doesNotContain("DocumentReference/" + RECORD);
        Reference record = resource(pushed, ServiceRequest.class).getSupportingInfoFirstRep();
        assertThat(record.hasReference()).isFalse();
        assertThat(record.getType()).isEqualTo("DocumentReference");
        assertThat(record.getIdentifier().getSystem()).isEqualTo("urn:ietf:rfc:3986");
        assertThat(record.getIdentifier().getValue()).isEqualTo(FHIR_BASE + "/DocumentReference/" + RECORD);
    }

    @Test
    void aRecordTheRecipientMayNoLongerSeeIsNotCarriedAlong() {
        FhirChange outcome = projector.project(referral.events());

        Bundle pushed = push(outcome, partner(CARDIO, EVERY_TYPE));

        assertThat(pushed.getEntry()).extracting(e -> e.getRequest().getUrl())
                .doesNotContain("DocumentReference/" + RECORD);
        assertThat(literalReferences(pushed)).doesNotContain("DocumentReference/" + RECORD);
    }

    @Test
    void theChangesOwnResourcesAreLeftAsTheFacadeServesThem() {
        FhirChange attached = projector.project(referral.first(2));
        String before = Bundles.json().encodeResourceToString(attached.resources().get(0));

        push(attached, partner(DERM, EVERY_TYPE));

        assertThat(Bundles.json().encodeResourceToString(attached.resources().get(0))).isEqualTo(before);
    }

    private Bundle push(FhirChange change, Partner partner) {
        List<Resource> complete = WholePushes.complete(Bundles.forPartner(change, partner), partner, referenced,
                FHIR_BASE);
        return Bundles.json().parseResource(Bundle.class, Bundles.transaction(partner.baseUrl(), complete));
    }

    private static Partner partner(String organisation, Set<String> types) {
        return new Partner(organisation + "-ehr", organisation, "https://ehr." + organisation + ".example/fhir",
                DeliveryMode.TRANSACTION, types, PartnerAuth.none(), true, 0, Instant.EPOCH);
    }

    private static List<String> literalReferences(Bundle bundle) {
        FhirTerser terser = new FhirTerser(Bundles.context());
        return bundle.getEntry().stream()
                .flatMap(e -> terser.getAllPopulatedChildElementsOfType(e.getResource(), Reference.class).stream())
                .map(Reference::getReference).filter(r -> r != null && !r.startsWith("#")).toList();
    }

    private static <T extends Resource> T resource(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance)
                .map(type::cast).findFirst().orElseThrow();
    }
}

package dev.careloop.app.fhir.facade;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import dev.careloop.fhir.inbound.R4Validator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import java.time.Duration;
import java.util.Map;

import static dev.careloop.app.fhir.FhirClients.CARDIO;
import static dev.careloop.app.fhir.FhirClients.DERM;
import static dev.careloop.app.fhir.FhirClients.MRN_SYSTEM;
import static dev.careloop.app.fhir.FhirClients.assertValid;
import static dev.careloop.app.fhir.FhirClients.await;
import static dev.careloop.app.fhir.FhirClients.hapi;
import static dev.careloop.app.fhir.FhirClients.mrn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The patient every referral names resolves at {@code /fhir/Patient/{platform id}}: as the reading organisation knows
 * them, to that organisation only, and with no identity left once erased. SMART discovery under the FHIR base.
 */
@CareLoopIntegrationTest
class FhirPatientTest {

    @LocalServerPort
    int port;

    @Autowired
    R4Validator validator;

    private CareLoopClient gp;
    private IGenericClient riversideEhr;

    @BeforeEach
    void clients() {
        gp = DemoClinics.at(port).gp();
        riversideEhr = hapi(port, "riverside-ehr");
    }

    @Test
    void theReferralsPatientResolvesAsTheRecipientKnowsThemAndIsFoundByIdentifierAndId() {
        String mrn = mrn();
        String referralId = referral(mrn, DERM);
        String patientId = patientOf(referralId);

        Task task = riversideEhr.read().resource(Task.class).withId(referralId).execute();
        ServiceRequest request = riversideEhr.read().resource(ServiceRequest.class).withId(referralId).execute();
        Patient patient = awaitPatient(patientId);
        Bundle byIdentifier = riversideEhr.search().forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndCode(MRN_SYSTEM, mrn)).returnBundle(Bundle.class)
                .execute();
        Bundle byId = riversideEhr.search().forResource(Patient.class)
                .where(Patient.RES_ID.exactly().code(patientId)).returnBundle(Bundle.class).execute();

        assertThat(task.getFor().getReference()).isEqualTo("Patient/" + patientId);
        assertThat(task.getFor().getIdentifier().getValue()).as("the identifier stays beside it").isEqualTo(mrn);
        assertThat(request.getSubject().getReference()).isEqualTo("Patient/" + patientId);
        assertThat(patient.getIdentifier()).extracting(i -> i.getSystem() + "|" + i.getValue())
                .containsExactly(MRN_SYSTEM + "|" + mrn);
        assertThat(patient.getNameFirstRep().getText()).isEqualTo("Alex Morgan");
        assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("Morgan");
        assertThat(patient.getBirthDateElement().getValueAsString()).isEqualTo("1980-04-02");
        assertValid(validator, patient);
        assertValid(validator, task);
        assertValid(validator, request);
        assertThat(byIdentifier.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactly(patientId);
        assertThat(byId.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactly(patientId);
        assertValid(validator, byIdentifier);
    }

    @Test
    void aPatientTheOrganisationTakesNoPartInIsNotFoundAndNeverFound() {
        String mrn = mrn();
        String patientId = patientOf(referral(mrn, CARDIO));
        await(Duration.ofSeconds(10), () -> gp.get("/fhir/Patient/" + patientId).status() == 200,
                "the referrer to see its patient");

        Response dermatology = DemoClinics.at(port).derm().get("/fhir/Patient/" + patientId);
        Bundle search = riversideEhr.search().forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndCode(MRN_SYSTEM, mrn)).returnBundle(Bundle.class)
                .execute();

        assertThat(dermatology.status()).isEqualTo(404);
        assertThat(dermatology.body()).contains("OperationOutcome").doesNotContain(mrn).doesNotContain("Morgan");
        assertThat(search.getEntry()).isEmpty();
        assertThatThrownBy(() -> riversideEhr.read().resource(Patient.class).withId(patientId).execute())
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> hapi(port, "lakeside-ehr").read().resource(Patient.class).withId(patientId)
                .execute()).as("a partner without system/Patient.read").isInstanceOf(ForbiddenOperationException.class);
    }

    @Test
    void anErasedPatientIsAPatientWithNoIdentity() {
        String mrn = mrn();
        String patientId = patientOf(referral(mrn, DERM));
        awaitPatient(patientId);

        Response erased = DemoClinics.at(port).admin().post("/api/admin/patients/" + patientId + "/erasure",
                Map.of("reason", "the patient asked"));
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        await(Duration.ofSeconds(10), () -> !awaitPatient(patientId).hasIdentifier(), "the erasure to reach /fhir");
        Patient patient = awaitPatient(patientId);

        assertThat(patient.hasName()).isFalse();
        assertThat(patient.hasBirthDate()).isFalse();
        assertThat(patient.hasIdentifier()).isFalse();
        assertThat(gp.get("/fhir/Patient/" + patientId).body()).doesNotContain(mrn).doesNotContain("Morgan");
        assertValid(validator, patient);
    }

    @Test
    void theCapabilityStatementListsPatientReadAndSearchByIdentifier() {
        CapabilityStatement statement = riversideEhr.capabilities().ofType(CapabilityStatement.class).execute();

        CapabilityStatement.CapabilityStatementRestResourceComponent patient = statement.getRestFirstRep()
                .getResource().stream().filter(r -> r.getType().equals("Patient")).findFirst().orElseThrow();
        assertThat(patient.getInteraction()).extracting(i -> i.getCode().toCode()).contains("read", "search-type");
        assertThat(patient.getSearchParam()).extracting(p -> p.getName()).contains("identifier", "_id");
    }

    @Test
    void smartDiscoveryIsServedUnderTheFhirBaseToo() {
        RestClient raw = RestClient.builder().baseUrl("http://localhost:" + port)
                .defaultStatusHandler(status -> true, (req, res) -> { }).build();

        ResponseEntity<String> underBase = raw.get().uri("/fhir/.well-known/smart-configuration").retrieve()
                .toEntity(String.class);
        ResponseEntity<String> atRoot = raw.get().uri("/.well-known/smart-configuration").retrieve()
                .toEntity(String.class);

        assertThat(underBase.getStatusCode().value()).isEqualTo(200);
        assertThat(underBase.getHeaders().getContentType().toString()).startsWith("application/json");
        assertThat(underBase.getBody()).contains("\"token_endpoint\"").contains("system/Patient.read")
                .isEqualTo(atRoot.getBody());
    }

    private Patient awaitPatient(String patientId) {
        await(Duration.ofSeconds(10), () -> DemoClinics.at(port).derm().get("/fhir/Patient/" + patientId)
                .status() == 200, "the patient to be known at /fhir");
        return riversideEhr.read().resource(Patient.class).withId(patientId).execute();
    }

    private String patientOf(String referralId) {
        return gp.get("/api/referrals/" + referralId).json().get("patient").get("patientId").asString();
    }

    private String referral(String mrn, String recipient) {
        Response sent = gp.post("/api/referrals", CareLoopClient.referralTo(recipient, mrn));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        return sent.json().get("referralId").asString();
    }
}

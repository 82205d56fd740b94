package dev.careloop.app.fhir.inbound;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import dev.careloop.fhir.inbound.R4Validator;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.careloop.app.fhir.FhirClients.DERM;
import static dev.careloop.app.fhir.FhirClients.GP;
import static dev.careloop.app.fhir.FhirClients.MRN_SYSTEM;
import static dev.careloop.app.fhir.FhirClients.assertValid;
import static dev.careloop.app.fhir.FhirClients.await;
import static dev.careloop.app.fhir.FhirClients.eventsAbout;
import static dev.careloop.app.fhir.FhirClients.eventsOf;
import static dev.careloop.app.fhir.FhirClients.hapi;
import static dev.careloop.app.fhir.FhirClients.json;
import static dev.careloop.app.fhir.FhirClients.mrn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Partners writing to the facade: a new referral (transaction Bundle, or a Task with its ServiceRequest
 * contained) and Task steps; everything refused answers an OperationOutcome and writes nothing.
 */
@CareLoopIntegrationTest
class FhirInboundTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    R4Validator validator;

    @Autowired
    JdbcTemplate jdbc;

    private IGenericClient northsideEhr;
    private String northsideToken;
    private String riversideToken;

    @BeforeEach
    void clients() {
        northsideEhr = hapi(port, "northside-ehr");
        northsideToken = DemoClinics.at(port).client("northside-ehr").token();
        riversideToken = DemoClinics.at(port).client("riverside-ehr").token();
    }

    @Test
    void aReferralBundleArrivesInTheRecipientsInbox() {
        String mrn = mrn();
        Bundle bundle = referralBundle(mrn, "Organization/" + DERM);
        assertValid(validator, bundle);

        Bundle response = northsideEhr.transaction().withBundle(bundle).execute();

        assertValid(validator, response);
        assertThat(response.getEntry()).extracting(e -> e.getResponse().getStatus())
                .containsExactly("201 Created", "201 Created");
        String location = response.getEntry().get(1).getResponse().getLocation();
        assertThat(location).startsWith("Task/").endsWith("/_history/1");
        String referralId = location.split("/")[1];
        CareLoopClient derm = DemoClinics.at(port).derm();
        await(Duration.ofSeconds(10), () -> inbox(derm, mrn).size() == 1, "the referral in riverside-derm's inbox");
        JsonNode inInbox = inbox(derm, mrn).get(0);
        assertThat(inInbox.get("referralId").asString()).isEqualTo(referralId);
        assertThat(inInbox.get("initiatorOrganisation").asString()).isEqualTo(GP);
        assertThat(inInbox.get("priority").asString()).isEqualTo("urgent");
        assertThat(inInbox.get("referralNumber").asString()).isEqualTo("NG-" + mrn);
        Task task = northsideEhr.read().resource(Task.class).withId(referralId).execute();
        assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.RECEIVED);
        assertThat(jdbc.queryForObject("SELECT convert_from(meta_data, 'UTF8')::jsonb->>'client' FROM "
                + "domain_event_entry WHERE aggregate_identifier = ?", String.class, referralId))
                .isEqualTo("northside-ehr");
    }

    @Test
    void aSenderFindsItsReferralByItsOwnNumberInItsOwnSystem() {
        String mrn = mrn();
        Bundle response = northsideEhr.transaction().withBundle(referralBundle(mrn, "Organization/" + DERM)).execute();
        String referralId = response.getEntry().get(1).getResponse().getLocation().split("/")[1];

        ServiceRequest request = northsideEhr.read().resource(ServiceRequest.class).withId(referralId).execute();
        assertThat(request.getIdentifierFirstRep().getSystem()).as("kept as sent")
                .isEqualTo("https://northside-gp.example/referral");
        await(Duration.ofSeconds(10), () -> !northsideEhr.search().forResource(ServiceRequest.class)
                .where(ServiceRequest.IDENTIFIER.exactly().systemAndCode("https://northside-gp.example/referral",
                        "NG-" + mrn)).returnBundle(Bundle.class).execute().getEntry().isEmpty(), "the search hit");
        Bundle found = northsideEhr.search().forResource(ServiceRequest.class)
                .where(ServiceRequest.IDENTIFIER.exactly().systemAndCode("https://northside-gp.example/referral",
                        "NG-" + mrn)).returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactly(referralId);
        assertValid(validator, found);
    }

    @Test
    void theSameBundleTwiceMakesOneReferralAndTheSameAnswer() {
        String mrn = mrn();
        String body = json(referralBundle(mrn, "Organization/" + DERM));

        ResponseEntity<String> first = post("/fhir", body, northsideToken);
        ResponseEntity<String> again = post("/fhir", body, northsideToken);

        assertThat(first.getStatusCode().value()).as(first.getBody()).isEqualTo(200);
        assertThat(again.getStatusCode().value()).isEqualTo(200);
        assertThat(locations(again)).isEqualTo(locations(first));
        assertThat(eventsAbout(jdbc, mrn)).isEqualTo(1);
    }

    @Test
    void aTaskWithItsServiceRequestContainedIsCreatedWithLocation() {
        String mrn = mrn();
        Bundle bundle = referralBundle(mrn, "Organization/" + DERM);
        ServiceRequest sr = (ServiceRequest) bundle.getEntry().get(0).getResource();
        Task task = (Task) bundle.getEntry().get(1).getResource();
        sr.setId("sr");
        task.addContained(sr);
        task.setFocus(new Reference("#sr"));
        assertValid(validator, task);

        ResponseEntity<String> created = post("/fhir/Task", json(task), northsideToken);

        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        assertThat(created.getHeaders().getLocation().toString()).contains("/fhir/Task/").endsWith("/_history/1");
        assertThat(JSON.readTree(created.getBody()).get("status").asString()).isEqualTo("received");
        assertThat(eventsAbout(jdbc, mrn)).isEqualTo(1);
    }

    @Test
    void aServiceRequestWithoutSubjectIsRefusedNamingTheSubject() {
        String mrn = mrn();
        Bundle bundle = referralBundle(mrn, "Organization/" + DERM);
        ((ServiceRequest) bundle.getEntry().get(0).getResource()).setSubject(null);

        ResponseEntity<String> refused = post("/fhir", json(bundle), northsideToken);

        assertThat(refused.getStatusCode().value()).isEqualTo(422);
        assertThat(outcomeIssue(refused).toString()).contains("subject");
        assertThat(eventsAbout(jdbc, mrn)).isZero();
    }

    @Test
    void anUnknownOrganisationIsRefusedNamingTheOwner() {
        String mrn = mrn();

        ResponseEntity<String> refused = post("/fhir", json(referralBundle(mrn, "Organization/nowhere-clinic")),
                northsideToken);

        assertThat(refused.getStatusCode().value()).isEqualTo(422);
        JsonNode issue = outcomeIssue(refused);
        assertThat(issue.get("expression").get(0).asString()).isEqualTo("Bundle.entry[1].resource.owner");
        assertThat(issue.get("diagnostics").asString()).contains("nowhere-clinic");
        assertThat(eventsAbout(jdbc, mrn)).isZero();
    }

    @Test
    void malformedJsonIsABadRequest() {
        String mrn = mrn();
        String whole = json(referralBundle(mrn, "Organization/" + DERM));
        String broken = whole.substring(0, whole.indexOf(mrn) + mrn.length() + 5);

        ResponseEntity<String> refused = post("/fhir", broken, northsideToken);

        assertThat(refused.getStatusCode().value()).isEqualTo(400);
        assertThat(outcomeIssue(refused).get("diagnostics").asString()).containsIgnoringCase("parse");
        assertThat(eventsAbout(jdbc, mrn)).isZero();
    }

    @Test
    void invalidFhirIsUnprocessableNamingEachProblem() {
        String mrn = mrn();
        String body = json(referralBundle(mrn, "Organization/" + DERM))
                .replace("\"intent\":\"order\"", "\"intent\":\"order\",\"colour\":\"blue\"")
                .replace("\"status\":\"requested\"", "\"status\":\"pending\"");

        ResponseEntity<String> refused = post("/fhir", body, northsideToken);

        assertThat(refused.getStatusCode().value()).as(refused.getBody()).isEqualTo(422);
        assertThat(refused.getBody()).contains("colour").contains("pending").contains("Bundle.entry[");
        assertThat(eventsAbout(jdbc, mrn)).isZero();
    }

    @Test
    void completingAReferralNobodyAcceptedIsAConflictAndWritesNothing() {
        String id = sendByFhir(mrn());
        Task task = currentTask(id);
        task.setStatus(Task.TaskStatus.COMPLETED);
        task.addOutput().setType(new CodeableConcept().setText("Consult report")).setValue(new StringType("Benign"));

        ResponseEntity<String> refused = put(id, task, riversideToken, "W/\"1\"");

        assertThat(refused.getStatusCode().value()).as(refused.getBody()).isEqualTo(409);
        assertThat(outcomeIssue(refused).get("expression").get(0).asString()).isEqualTo("Task.status");
        assertThat(eventsOf(jdbc, id)).isEqualTo(1);
    }

    @Test
    void theRecipientsEhrAcceptsThenCompletesHonouringIfMatch() {
        String id = sendByFhir(mrn());
        Task task = currentTask(id);
        task.setStatus(Task.TaskStatus.ACCEPTED);

        ResponseEntity<String> accepted = put(id, task, riversideToken, "W/\"1\"");
        task.setStatus(Task.TaskStatus.REJECTED).setStatusReason(new CodeableConcept().setText("not for us"));
        ResponseEntity<String> stale = put(id, task, riversideToken, "W/\"1\"");
        Task completing = currentTask(id);
        completing.setStatus(Task.TaskStatus.COMPLETED);
        completing.addOutput().setType(new CodeableConcept().setText("Consult report"))
                .setValue(new StringType("Benign naevus; no follow-up needed"));
        ResponseEntity<String> completed = put(id, completing, riversideToken, "W/\"2\"");

        assertThat(accepted.getStatusCode().value()).as(accepted.getBody()).isEqualTo(200);
        assertThat(accepted.getHeaders().getETag()).isEqualTo("W/\"2\"");
        assertThat(stale.getStatusCode().value()).isEqualTo(412);
        assertThat(outcomeIssue(stale).get("diagnostics").asString()).contains("version")
                .doesNotContain("Exception").doesNotContain("ca.uhn.").doesNotContain("dev.careloop");
        assertThat(completed.getStatusCode().value()).as(completed.getBody()).isEqualTo(200);
        Task done = currentTask(id);
        assertThat(done.getStatus()).isEqualTo(Task.TaskStatus.COMPLETED);
        assertThat(done.getOutputFirstRep().getValue().primitiveValue()).isEqualTo("Benign naevus; no follow-up needed");
        assertValid(validator, done);
        assertThat(eventsOf(jdbc, id)).isEqualTo(3);
    }

    @Test
    void acceptingByPutWithoutIfMatchIsPreconditionRequiredAndWritesNothing() {
        String id = sendByFhir(mrn());
        Task task = currentTask(id);
        task.setStatus(Task.TaskStatus.ACCEPTED);

        ResponseEntity<String> refused = put(id, task, riversideToken, null);

        assertThat(refused.getStatusCode().value()).as(refused.getBody()).isEqualTo(428);
        assertThat(outcomeIssue(refused).get("diagnostics").asString()).contains("If-Match");
        assertThat(eventsOf(jdbc, id)).isEqualTo(1);
    }

    @Test
    void decliningWithoutAReasonIsRefusedNamingTheStatusReason() {
        String id = sendByFhir(mrn());
        Task task = currentTask(id);
        task.setStatus(Task.TaskStatus.REJECTED);

        ResponseEntity<String> refused = put(id, task, riversideToken, null);

        assertThat(refused.getStatusCode().value()).isEqualTo(422);
        assertThat(outcomeIssue(refused).get("expression").get(0).asString()).isEqualTo("Task.statusReason");
        assertThat(eventsOf(jdbc, id)).isEqualTo(1);
    }

    @Test
    void writingWithoutAWriteScopeIsForbidden() {
        String mrn = mrn();
        String staff = DemoClinics.at(port).gp().token();

        ResponseEntity<String> refused = post("/fhir", json(referralBundle(mrn, "Organization/" + DERM)), staff);

        assertThat(refused.getStatusCode().value()).isEqualTo(403);
        assertThat(outcomeIssue(refused).get("diagnostics").asString()).contains("system/ServiceRequest.write");
        assertThat(eventsAbout(jdbc, mrn)).isZero();
    }

    @Test
    void aPartnerNamingThePatientInAnotherOrganisationsSystemIsRefused() {
        String mrn = mrn();
        Bundle bundle = referralBundle(mrn, "Organization/lakeside-cardio");
        ServiceRequest sr = (ServiceRequest) bundle.getEntry().get(0).getResource();
        Task task = (Task) bundle.getEntry().get(1).getResource();
        sr.setRequester(new Reference("Organization/" + DERM));
        task.setRequester(new Reference("Organization/" + DERM));

        // riverside-derm's EHR names the patient by northside-gp's MRN system.
        ResponseEntity<String> refused = post("/fhir", json(bundle), riversideToken);

        assertThat(refused.getStatusCode().value()).as(refused.getBody()).isEqualTo(422);
        JsonNode issue = outcomeIssue(refused);
        assertThat(issue.get("expression").get(0).asString())
                .isEqualTo("Bundle.entry[0].resource.subject.identifier.system");
        assertThat(issue.get("diagnostics").asString()).contains(MRN_SYSTEM)
                .contains("https://riverside-derm.example/mrn");
        assertThat(eventsAbout(jdbc, mrn)).isZero();
    }

    // --- helpers ----------------------------------------------------------------------------------------

    /** A referral from northside-gp's EHR: ServiceRequest + Task, as a transaction. */
    static Bundle referralBundle(String mrn, String owner) {
        String srUrl = "urn:uuid:" + UUID.randomUUID();
        ServiceRequest sr = new ServiceRequest();
        sr.addIdentifier(new Identifier().setSystem("https://northside-gp.example/referral").setValue("NG-" + mrn));
        sr.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
        sr.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        sr.setPriority(ServiceRequest.ServiceRequestPriority.URGENT);
        sr.setCode(new CodeableConcept().setText("Dermatology consultation"));
        sr.setSubject(new Reference().setType("Patient")
                .setIdentifier(new Identifier().setSystem(MRN_SYSTEM).setValue(mrn)).setDisplay("Alex Morgan"));
        sr.setRequester(new Reference("Organization/" + GP));
        sr.addReasonCode(new CodeableConcept().setText("Changing pigmented lesion"));
        sr.addNote().setText("Photos available on request");
        Task task = new Task();
        task.setStatus(Task.TaskStatus.REQUESTED);
        task.setIntent(Task.TaskIntent.ORDER);
        task.setFocus(new Reference(srUrl));
        task.setFor(sr.getSubject().copy());
        task.setRequester(new Reference("Organization/" + GP));
        task.setOwner(new Reference(owner));
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        bundle.setIdentifier(new Identifier().setSystem("https://northside-gp.example/bundle").setValue(mrn));
        bundle.addEntry().setFullUrl(srUrl).setResource(sr).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("ServiceRequest");
        bundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(task).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Task");
        return bundle;
    }

    private String sendByFhir(String mrn) {
        Bundle response = northsideEhr.transaction().withBundle(referralBundle(mrn, "Organization/" + DERM)).execute();
        return response.getEntry().get(1).getResponse().getLocation().split("/")[1];
    }

    private Task currentTask(String id) {
        return northsideEhr.read().resource(Task.class).withId(id).execute();
    }

    private static List<JsonNode> inbox(CareLoopClient client, String mrn) {
        Response inbox = client.get("/api/referrals?box=inbox&size=100");
        List<JsonNode> found = new ArrayList<>();
        inbox.json().get("items").forEach(r -> {
            if (mrn.equals(r.get("patient").get("identifierValue").asString())) {
                found.add(r);
            }
        });
        return found;
    }

    private static List<String> locations(ResponseEntity<String> transactionResponse) {
        List<String> locations = new ArrayList<>();
        JSON.readTree(transactionResponse.getBody()).get("entry")
                .forEach(e -> locations.add(e.get("response").get("location").asString()));
        return locations;
    }

    private static JsonNode outcomeIssue(ResponseEntity<String> response) {
        JsonNode body = JSON.readTree(response.getBody());
        assertThat(body.get("resourceType").asString()).as(response.getBody()).isEqualTo("OperationOutcome");
        return body.get("issue").get(0);
    }

    private ResponseEntity<String> post(String path, String body, String token) {
        return http().post().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.parseMediaType("application/fhir+json"))
                .body(body).retrieve().toEntity(String.class);
    }

    private ResponseEntity<String> put(String id, Task task, String token, String ifMatch) {
        return http().put().uri("/fhir/Task/" + id).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .headers(h -> {
                    if (ifMatch != null) {
                        h.set(HttpHeaders.IF_MATCH, ifMatch);
                    }
                })
                .contentType(MediaType.parseMediaType("application/fhir+json"))
                .body(R4ChangeProjector.fhirContext().newJsonParser().encodeResourceToString(task))
                .retrieve().toEntity(String.class);
    }

    private RestClient http() {
        return RestClient.builder().baseUrl("http://localhost:" + port)
                .defaultStatusHandler(status -> true, (req, res) -> { }).build();
    }
}

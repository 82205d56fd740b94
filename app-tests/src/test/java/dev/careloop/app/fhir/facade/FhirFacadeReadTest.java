package dev.careloop.app.fhir.facade;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.gclient.ReferenceClientParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import dev.careloop.fhir.inbound.R4Validator;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.UUID;
import java.util.List;
import java.util.Map;

import static dev.careloop.app.fhir.FhirClients.CARDIO;
import static dev.careloop.app.fhir.FhirClients.DERM;
import static dev.careloop.app.fhir.FhirClients.GP;
import static dev.careloop.app.fhir.FhirClients.MRN_SYSTEM;
import static dev.careloop.app.fhir.FhirClients.assertValid;
import static dev.careloop.app.fhir.FhirClients.await;
import static dev.careloop.app.fhir.FhirClients.hapi;
import static dev.careloop.app.fhir.FhirClients.mrn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The facade as a partner EHR reads it: HAPI's generic client with a bearer token, against the running app.
 * Referrals are made through the REST API by clinic staff, as they would be.
 */
@CareLoopIntegrationTest
class FhirFacadeReadTest {

    @LocalServerPort
    int port;

    @Autowired
    R4Validator validator;

    private CareLoopClient gp;
    private CareLoopClient derm;
    private IGenericClient riversideEhr;

    @BeforeEach
    void clients() {
        gp = DemoClinics.at(port).gp();
        derm = DemoClinics.at(port).derm();
        riversideEhr = hapi(port, "riverside-ehr");
    }

    @Test
    void capabilityStatementNeedsNoToken() {
        ResponseEntity<String> metadata = raw().get().uri("/fhir/metadata").retrieve().toEntity(String.class);

        assertThat(metadata.getStatusCode().value()).isEqualTo(200);
        assertThat(metadata.getHeaders().getContentType().toString()).startsWith("application/fhir+json");
        CapabilityStatement statement = riversideEhr.capabilities().ofType(CapabilityStatement.class).execute();
        assertValid(validator, statement);
        CapabilityStatement.CapabilityStatementRestResourceComponent task = statement.getRestFirstRep()
                .getResource().stream().filter(r -> r.getType().equals("Task")).findFirst().orElseThrow();
        assertThat(task.getInteraction()).extracting(i -> i.getCode().toCode())
                .contains("read", "vread", "history-instance", "search-type", "create", "update");
        assertThat(task.getSearchParam()).extracting(p -> p.getName())
                .contains("patient", "status", "owner", "requester", "_lastUpdated");
    }

    @Test
    void everyResourceTypeIsSearchableByPatient() {
        CapabilityStatement statement = riversideEhr.capabilities().ofType(CapabilityStatement.class).execute();

        for (String type : List.of("ServiceRequest", "Task", "Communication", "Appointment", "DocumentReference",
                "Consent", "Provenance", "AuditEvent")) {
            CapabilityStatement.CapabilityStatementRestResourceComponent resource = statement.getRestFirstRep()
                    .getResource().stream().filter(r -> r.getType().equals(type)).findFirst().orElseThrow();
            assertThat(resource.getInteraction()).as(type).extracting(i -> i.getCode().toCode())
                    .contains("search-type");
            assertThat(resource.getSearchParam()).as(type).extracting(p -> p.getName())
                    .contains("patient", "_lastUpdated");
        }
        Bundle appointments = riversideEhr.search().forResource(Appointment.class)
                .where(Appointment.PATIENT.hasId("https://northside-gp.example/mrn|NG-1001"))
                .returnBundle(Bundle.class).execute();
        assertThat(appointments.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    }

    @Test
    void theDirectoryIsServedSoThatEveryOrganisationAReferralNamesResolves() {
        Organization northside = riversideEhr.read().resource(Organization.class).withId(GP).execute();
        HealthcareService riverside = riversideEhr.read().resource(HealthcareService.class).withId(DERM).execute();
        Bundle organisations = riversideEhr.search().forResource(Organization.class).returnBundle(Bundle.class)
                .execute();
        CapabilityStatement statement = riversideEhr.capabilities().ofType(CapabilityStatement.class).execute();

        assertThat(northside.getName()).isNotBlank();
        assertThat(northside.getIdentifierFirstRep().getValue()).isEqualTo(GP);
        assertThat(riverside.getProvidedBy().getReference()).isEqualTo("Organization/" + DERM);
        assertThat(riverside.getType()).as("the services riverside-derm offers").isNotEmpty();
        assertValid(validator, northside);
        assertValid(validator, riverside);
        assertThat(organisations.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .contains(GP, DERM, CARDIO);
        assertThatThrownBy(() -> riversideEhr.read().resource(Organization.class).withId("no-such-clinic").execute())
                .isInstanceOf(ResourceNotFoundException.class);
        for (String type : List.of("Organization", "HealthcareService")) {
            assertThat(statement.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals(type))
                    .findFirst().orElseThrow().getInteraction()).as(type).extracting(i -> i.getCode().toCode())
                    .contains("read", "search-type");
        }
    }

    @Test
    void smartDiscoveryNeedsNoTokenAndNamesTheTokenEndpointAndTheSystemScopes() {
        ResponseEntity<String> smart = raw().get().uri("/.well-known/smart-configuration").retrieve()
                .toEntity(String.class);

        assertThat(smart.getStatusCode().value()).isEqualTo(200);
        assertThat(smart.getBody()).contains("\"token_endpoint\"").contains("/oauth2/token")
                .contains("\"client_credentials\"").contains("system/Task.write").contains("system/Organization.read");
    }

    @Test
    void readingWithoutATokenIsAnOperationOutcome401() {
        ResponseEntity<String> read = raw().get().uri("/fhir/Task/anything").retrieve().toEntity(String.class);

        assertThat(read.getStatusCode().value()).isEqualTo(401);
        assertThat(read.getBody()).contains("\"resourceType\":\"OperationOutcome\"");
    }

    @Test
    void partnerReadsVreadsAndReadsTheHistoryOfItsReferral() {
        String id = referral(mrn());
        assertThat(derm.post("/api/referrals/" + id + "/accept", null).status()).isEqualTo(200);

        Task current = riversideEhr.read().resource(Task.class).withId(id).execute();
        Task first = riversideEhr.read().resource(Task.class).withIdAndVersion(id, "1").execute();
        Bundle history = riversideEhr.history().onInstance("Task/" + id).returnBundle(Bundle.class).execute();

        assertThat(current.getMeta().getVersionId()).isEqualTo("2");
        assertThat(current.getStatus()).isEqualTo(Task.TaskStatus.ACCEPTED);
        assertThat(first.getMeta().getVersionId()).isEqualTo("1");
        assertThat(first.getStatus()).isEqualTo(Task.TaskStatus.RECEIVED);
        assertThat(history.getEntry()).extracting(e -> e.getResource().getMeta().getVersionId())
                .containsExactly("2", "1");
        assertValid(validator, current);
        assertValid(validator, first);
        assertValid(validator, history);
        assertThatThrownBy(() -> riversideEhr.read().resource(Task.class).withIdAndVersion(id, "3").execute())
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void searchFindsByPatientStatusOwnerRequesterAndLastUpdatedAPageAtATime() {
        String mrn = mrn();
        String accepted = referral(mrn);
        referral(mrn);
        referral(mrn);
        assertThat(derm.post("/api/referrals/" + accepted + "/accept", null).status()).isEqualTo(200);
        awaitIndexed(mrn, "accepted", 1);

        Bundle firstPage = searchTasks(mrn).count(2).returnBundle(Bundle.class).execute();
        Bundle secondPage = riversideEhr.loadPage().next(firstPage).execute();
        Bundle acceptedOnly = searchTasks(mrn).and(new TokenClientParam("status").exactly().code("accepted"))
                .returnBundle(Bundle.class).execute();
        Bundle owned = searchTasks(mrn).and(new ReferenceClientParam("owner").hasId("Organization/" + DERM))
                .and(new ReferenceClientParam("requester").hasId("Organization/" + GP))
                .returnBundle(Bundle.class).execute();
        Bundle notYet = riversideEhr.search().forResource(Task.class)
                .whereMap(Map.of("patient", List.of(MRN_SYSTEM + "|" + mrn), "_lastUpdated", List.of("gt2999-01-01")))
                .returnBundle(Bundle.class).execute();
        Bundle since = riversideEhr.search().forResource(Task.class)
                .whereMap(Map.of("patient", List.of(MRN_SYSTEM + "|" + mrn), "_lastUpdated", List.of("ge2020-01-01")))
                .returnBundle(Bundle.class).execute();

        assertThat(firstPage.getTotal()).isEqualTo(3);
        assertThat(firstPage.getEntry()).hasSize(2);
        assertThat(firstPage.getLink(Bundle.LINK_NEXT)).isNotNull();
        assertThat(secondPage.getEntry()).hasSize(1);
        assertThat(acceptedOnly.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactly(accepted);
        assertThat(owned.getTotal()).isEqualTo(3);
        assertThat(notYet.getTotal()).isZero();
        assertThat(since.getTotal()).isEqualTo(3);
        assertValid(validator, firstPage);
    }

    @Test
    void anotherOrganisationsReferralIsNotFoundAndNeverFound() {
        String mrn = mrn();
        String cardiology = referral(mrn, CARDIO);
        String mine = referral(mrn);
        awaitIndexed(mrn, "received", 1);

        assertThatThrownBy(() -> riversideEhr.read().resource(Task.class).withId(cardiology).execute())
                .isInstanceOf(ResourceNotFoundException.class)
                .satisfies(e -> assertThat(((ResourceNotFoundException) e).getOperationOutcome())
                        .isInstanceOf(OperationOutcome.class));
        assertThatThrownBy(() -> riversideEhr.read().resource(Task.class).withIdAndVersion(cardiology, "1").execute())
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> riversideEhr.history().onInstance("ServiceRequest/" + cardiology)
                .returnBundle(Bundle.class).execute()).isInstanceOf(ResourceNotFoundException.class);
        Bundle found = searchTasks(mrn).returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactly(mine);
    }

    @Test
    void aTypeWithoutItsScopeIsForbidden() {
        String id = referral(mrn());

        assertThatThrownBy(() -> riversideEhr.read().resource(Provenance.class).withId(id + "-1").execute())
                .isInstanceOf(ForbiddenOperationException.class);
        Response consent = DemoClinics.at(port).client("riverside-ehr").get("/fhir/Consent?patient=x|y");
        assertThat(consent.status()).isEqualTo(403);
        assertThat(consent.body()).contains("OperationOutcome").contains("system/Consent.read");
    }

    @Test
    void clinicStaffMayReadWhatTheirOrganisationTakesPartIn() {
        String id = referral(mrn());

        Response task = derm.get("/fhir/Task/" + id);
        Response provenance = gp.get("/fhir/Provenance/" + id + "-1");

        assertThat(task.status()).isEqualTo(200);
        assertThat(task.header(HttpHeaders.ETAG)).isEqualTo("W/\"1\"");
        assertThat(task.header(HttpHeaders.CONTENT_TYPE)).startsWith("application/fhir+json");
        assertThat(provenance.status()).isEqualTo(200);
        assertThat(provenance.json().get("target").get(0).get("reference").asString())
                .isEqualTo("ServiceRequest/" + id + "/_history/1");
    }

    @Test
    void everyResourceTypeTheFacadeServesIsValidR4() {
        String id = referral(mrn());
        assertThat(derm.post("/api/referrals/" + id + "/request-information",
                Map.of("question", "Any family history of melanoma?")).status()).isEqualTo(200);
        assertThat(gp.post("/api/referrals/" + id + "/provide-information",
                Map.of("answer", "Mother, at 52")).status()).isEqualTo(200);
        assertThat(derm.post("/api/referrals/" + id + "/accept", null).status()).isEqualTo(200);
        Response scheduled = derm.post("/api/referrals/" + id + "/schedule",
                Map.of("start", Instant.now().plus(Duration.ofDays(3)).toString(),
                        "end", Instant.now().plus(Duration.ofDays(3)).plus(Duration.ofMinutes(30)).toString(),
                        "location", "Room 1"));
        assertThat(scheduled.status()).as(scheduled.body()).isEqualTo(200);
        String appointmentId = scheduled.json().get("appointmentId").asString();
        String recordId = sharedRecordReadByDermatology();

        List<String> paths = List.of("ServiceRequest/" + id, "Task/" + id, "Communication/" + id + "-2",
                "Communication/" + id + "-3", "Provenance/" + id + "-1", "Provenance/" + id + "-4",
                "Appointment/" + appointmentId, "DocumentReference/" + recordId, "Consent/" + recordId,
                "Provenance/" + recordId + "-1", "AuditEvent/" + recordId + "-2");
        for (String path : paths) {
            Response read = gp.get("/fhir/" + path);
            assertThat(read.status()).as(path + ": " + read.body()).isEqualTo(200);
            assertValid(validator, ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser()
                    .parseResource(read.body()));
        }
    }

    @Test
    void aDisclosureIsNoNewVersionOfTheDocumentAndOnlyItsReaderAndAuthorSeeItsAudit() {
        String recordId = sharedRecordReadByDermatology();

        Response document = gp.get("/fhir/DocumentReference/" + recordId);
        Response history = gp.get("/fhir/DocumentReference/" + recordId + "/_history");
        Response notAVersion = gp.get("/fhir/DocumentReference/" + recordId + "/_history/2");
        Response audit = derm.get("/fhir/AuditEvent/" + recordId + "-2");
        Response auditForOthers = DemoClinics.at(port).cardio().get("/fhir/AuditEvent/" + recordId + "-2");

        assertThat(document.json().get("meta").get("versionId").asString()).isEqualTo("1");
        assertThat(history.json().get("total").asInt()).isEqualTo(1);
        assertThat(notAVersion.status()).isEqualTo(404);
        assertThat(notAVersion.json().get("resourceType").asString()).isEqualTo("OperationOutcome");
        assertThat(audit.status()).isEqualTo(200);
        assertThat(auditForOthers.status()).isEqualTo(404);
    }

    /** A record northside-gp shares with riverside-derm and lakeside-cardio, whose content riverside-derm reads. */
    private String sharedRecordReadByDermatology() {
        byte[] content = ("# Discharge summary\n\n" + UUID.randomUUID() + "\n").getBytes(StandardCharsets.UTF_8);
        String sha = sha256(content);
        assertThat(gp.put("/api/records/content/" + sha, content, "text/markdown").status()).isIn(200, 201);
        Map<String, Object> share = new LinkedHashMap<>();
        share.put("patient", Map.of("identifierSystem", MRN_SYSTEM, "identifierValue", mrn(), "name", "Alex Morgan",
                "birthDate", "1980-04-02"));
        share.put("recipients", List.of(DERM, CARDIO));
        share.put("documentType", Map.of("code", "18842-5", "display", "Discharge summary"));
        share.put("title", "Discharge summary");
        share.put("contentSha256", sha);
        share.put("purpose", "TREAT");
        share.put("validUntil", Instant.now().plus(Duration.ofDays(30)).toString());
        Response shared = gp.post("/api/records", share);
        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        String recordId = shared.json().get("recordId").asString();
        assertThat(derm.download("/api/records/" + recordId + "/content", h -> { }).getStatusCode().value())
                .isEqualTo(200);
        return recordId;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private ca.uhn.fhir.rest.gclient.IQuery<org.hl7.fhir.instance.model.api.IBaseBundle> searchTasks(String mrn) {
        return riversideEhr.search().forResource(Task.class)
                .where(new TokenClientParam("patient").exactly().systemAndCode(MRN_SYSTEM, mrn));
    }

    private void awaitIndexed(String mrn, String status, int atLeast) {
        await(Duration.ofSeconds(10), () -> searchTasks(mrn)
                .and(new TokenClientParam("status").exactly().code(status))
                .returnBundle(Bundle.class).execute().getTotal() >= atLeast, "the search index to catch up");
    }

    private String referral(String mrn) {
        return referral(mrn, DERM);
    }

    private String referral(String mrn, String recipient) {
        Response sent = gp.post("/api/referrals", CareLoopClient.referralTo(recipient, mrn));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        return sent.json().get("referralId").asString();
    }

    private RestClient raw() {
        return RestClient.builder().baseUrl("http://localhost:" + port)
                .defaultStatusHandler(status -> true, (req, res) -> { }).build();
    }
}

package dev.careloop.app.fhir.facade;

import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.fhir.inbound.R4Validator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import static dev.careloop.app.fhir.FhirClients.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * /fhir decides who may do what before it reads a request's body: no scope, no parsing, no validation. What it
 * reads first is an outline of the body (nesting, Bundle entries and what each does), refused at its limits
 * before the R4 validator sees it; and no answer names CareLoop's insides.
 */
@CareLoopIntegrationTest
class FhirGuardTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOTH_WRITES = "system/ServiceRequest.write system/Task.write";

    @LocalServerPort
    int port;

    @MockitoSpyBean
    R4Validator validator;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aHugeBundleFromATokenWithoutWriteScopesIsRefusedAtOnceUnvalidated() {
        String huge = bundleOf(10_000);
        assertThat(huge.length()).isGreaterThan(4_000_000);
        long before = events(jdbc);

        Instant start = Instant.now();
        ResponseEntity<String> refused = call(HttpMethod.POST, "/fhir", huge,
                token("northside-ehr", "system/Task.read system/ServiceRequest.read"));

        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(refused.getStatusCode().value()).isEqualTo(403);
        assertThat(diagnostics(refused)).contains("system/ServiceRequest.write");
        verify(validator, never()).errors(anyString());
        assertThat(events(jdbc)).isEqualTo(before);
    }

    @Test
    void aHugeBundleWithWriteScopesIsRefusedByTheEntryLimitUnvalidated() {
        Instant start = Instant.now();
        ResponseEntity<String> refused = call(HttpMethod.POST, "/fhir", bundleOf(10_000),
                token("northside-ehr", BOTH_WRITES));

        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(refused.getStatusCode().value()).as(refused.getBody()).isEqualTo(413);
        assertThat(diagnostics(refused)).contains("at most 100 entries").contains("max-bundle-entries");
        verify(validator, never()).errors(anyString());
    }

    @Test
    void aBundleEntryOfATypeTheTokenMayNotWriteIsForbiddenUnvalidated() {
        String bundle = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                  {"resource":{"resourceType":"ServiceRequest"},"request":{"method":"POST","url":"ServiceRequest"}},
                  {"resource":{"resourceType":"Task"},"request":{"method":"POST","url":"Task"}},
                  {"request":{"method":"DELETE","url":"Consent/c-1"}}]}""";

        ResponseEntity<String> refused = call(HttpMethod.POST, "/fhir", bundle, token("northside-ehr", BOTH_WRITES));

        assertThat(refused.getStatusCode().value()).as(refused.getBody()).isEqualTo(403);
        assertThat(diagnostics(refused)).contains("Consent").contains("system/Consent.write");
        verify(validator, never()).errors(anyString());
    }

    @Test
    void deeplyNestedContentIsRefusedBeforeAnyParserRecursesIntoIt() {
        int levels = 50_000;
        String task = "{\"resourceType\":\"Task\",\"status\":\"requested\",\"intent\":\"order\",\"extension\":"
                + "[{\"url\":\"http://x.example/e\",\"extension\":".repeat(levels) + "[]" + "}]".repeat(levels) + "}";
        ResponseEntity<String> refused = call(HttpMethod.POST, "/fhir/Task", task, token("northside-ehr", BOTH_WRITES));

        assertThat(refused.getStatusCode().value()).as(refused.getBody()).isEqualTo(400);
        assertThat(diagnostics(refused)).contains("more than 100 levels deep");
        verify(validator, never()).errors(anyString());
        assertThat(call(HttpMethod.GET, "/fhir/Task?status=requested", null, token("northside-ehr", null))
                .getStatusCode().value()).as("the facade still answers").isEqualTo(200);
    }

    /** Each route with a body the parser would refuse: the scopes decide first, then the body (400). */
    @ParameterizedTest(name = "{0} {1} with [{2}] -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            POST | /fhir                       | system/Task.read system/ServiceRequest.read    | 403
            POST | /fhir                       | system/Task.write                              | 403
            POST | /fhir                       | system/ServiceRequest.write system/Task.write  | 400
            POST | /fhir/Task                  | system/Task.write                              | 403
            POST | /fhir/Task                  | system/ServiceRequest.write system/Task.write  | 400
            PUT  | /fhir/Task/some-referral    | system/Task.read                               | 403
            PUT  | /fhir/Task/some-referral    | system/Task.write                              | 400
            GET  | /fhir/Task?status=requested | system/Appointment.read                        | 403
            GET  | /fhir/Task?status=requested | system/Task.read                               | 200
            GET  | /fhir/Task?colour=blue      | system/Appointment.read                        | 403
            GET  | /fhir/Task?colour=blue      | system/Task.read                               | 400
            GET  | /fhir/Consent/c-1           | system/Task.read                               | 403
            GET  | /fhir/Consent/c-1           | system/Consent.read                            | 404
            GET  | /fhir/Patient/p-1           | system/Task.read                               | 403
            GET  | /fhir/Patient/p-1           | system/Patient.read                            | 404
            GET  | /fhir/Patient?identifier=x%7Cy | system/Task.read                            | 403
            GET  | /fhir/Patient?identifier=x%7Cy | system/Patient.read                         | 200
            GET  | /fhir/Practitioner/u-1      | system/Task.read                               | 403
            GET  | /fhir/Practitioner/u-1      | system/Practitioner.read                       | 404
            GET  | /fhir/PractitionerRole/r-1  | system/Practitioner.read                       | 403
            GET  | /fhir/PractitionerRole/r-1  | system/PractitionerRole.read                   | 404
            """)
    void theScopesDecideBeforeTheBodyIsRead(String method, String path, String scopes, int status) {
        String broken = method.equals("GET") ? null : "{\"resourceType\":\"Task\",\"status\":";

        ResponseEntity<String> answer = call(HttpMethod.valueOf(method), path, broken, token("northside-ehr", scopes));

        assertThat(answer.getStatusCode().value()).as(answer.getBody()).isEqualTo(status);
        if (status >= 400) {
            assertThat(body(answer).get("resourceType").asString()).isEqualTo("OperationOutcome");
        }
        verify(validator, never()).errors(anyString());
    }

    /** Every kind of error the facade answers, with what its diagnostics must never name. */
    @ParameterizedTest(name = "{0} {1}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            POST | /fhir/Task                       | {"resourceType":"Task",,}                           | 400
            POST | /fhir/Task                       | not json at all                                     | 400
            POST | /fhir/Task                       | <Task xmlns="http://hl7.org/fhir"><status value=     | 400
            POST | /fhir/Task                       | {"resourceType":"Patient"}                           | 400
            POST | /fhir/Task                       | {"resourceType":"Task","status":"nonsense"}          | 422
            POST | /fhir/Task                       | {"resourceType":"Nonsense"}                          | 400
            GET  | /fhir/Nonsense/1                 |                                                      | 403
            GET  | /fhir/Task/%20bad%20id%20        |                                                      | 400
            GET  | /fhir/Task/no-such/_history/abc  |                                                      | 404
            GET  | /fhir/Task?colour=blue           |                                                      | 400
            GET  | /fhir/Task?_count=abc            |                                                      | 400
            GET  | /fhir/Task?_lastUpdated=gt2024-99-99 |                                                  | 400
            PUT  | /fhir/Task/no-such | {"resourceType":"Task","id":"other","status":"accepted","intent":"order"} | 400
            DELETE | /fhir/Task/x                   |                                                      | 400
            GET  | /fhir/Organization/%20bad%20id%20 |                                                     | 400
            GET  | /fhir/HealthcareService/no-such  |                                                      | 404
            PUT  | /fhir/Organization/northside-gp  | {"resourceType":"Organization","id":"northside-gp"}  | 403
            GET  | /fhir/Patient/no-such            |                                                      | 404
            GET  | /fhir/Patient                    |                                                      | 400
            GET  | /fhir/Patient?identifier=nobar   |                                                      | 400
            PUT  | /fhir/Patient/p-1                | {"resourceType":"Patient","id":"p-1"}                | 403
            GET  | /fhir/Practitioner/%20bad%20id%20 |                                                     | 400
            GET  | /fhir/PractitionerRole/no-such   |                                                      | 404
            """)
    void noDiagnosticsNameTheInsides(String method, String path, String content, int status) {
        ResponseEntity<String> answer = call(HttpMethod.valueOf(method), path, content,
                token("northside-ehr", null));

        assertThat(answer.getStatusCode().value()).as(answer.getBody()).isEqualTo(status);
        JsonNode outcome = body(answer);
        assertThat(outcome.get("resourceType").asString()).isEqualTo("OperationOutcome");
        outcome.get("issue").forEach(issue -> assertThat(issue.path("diagnostics").asString())
                .as(answer.getBody()).isNotBlank()
                .doesNotContain("dev.careloop").doesNotContain("java.").doesNotContain("ca.uhn.")
                .doesNotContain("Exception"));
    }

    // --- helpers ----------------------------------------------------------------------------------------

    /** A transaction Bundle of {@code entries} ServiceRequests and Tasks, about 420 bytes each. */
    private static String bundleOf(int entries) {
        StringBuilder json = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
        for (int i = 0; i < entries; i++) {
            String type = i % 2 == 0 ? "ServiceRequest" : "Task";
            json.append(i == 0 ? "" : ",").append("{\"fullUrl\":\"urn:uuid:").append(UUID.randomUUID())
                    .append("\",\"resource\":{\"resourceType\":\"").append(type)
                    .append("\",\"status\":\"").append(i % 2 == 0 ? "active" : "requested")
                    .append("\",\"intent\":\"order\",\"subject\":{\"identifier\":{\"system\":")
                    .append("\"https://northside-gp.example/mrn\",\"value\":\"MRN-").append(i)
                    .append("\"},\"display\":\"Patient number ").append(i).append("\"},\"note\":[{\"text\":\"")
                    .append("x".repeat(150)).append("\"}]},\"request\":{\"method\":\"POST\",\"url\":\"")
                    .append(type).append("\"}}");
        }
        return json.append("]}").toString();
    }

    /** A client-credentials token of demo client {@code clientId} narrowed to {@code scopes} (null: all of its own). */
    private String token(String clientId, String scopes) {
        String basic = Base64.getEncoder().encodeToString((clientId + ":demo-secret").getBytes());
        String answer = http().post().uri("/oauth2/token").header(HttpHeaders.AUTHORIZATION, "Basic " + basic)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body("grant_type=client_credentials" + (scopes == null ? "" : "&scope=" + scopes.replace(" ", "%20")))
                .retrieve().body(String.class);
        JsonNode token = JSON.readTree(answer);
        assertThat(token.has("access_token")).as(answer).isTrue();
        return token.get("access_token").asString();
    }

    private ResponseEntity<String> call(HttpMethod method, String path, String content, String token) {
        RestClient.RequestBodySpec request = http().method(method).uri(java.net.URI.create("http://localhost:" + port
                        + path))
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .header(HttpHeaders.ACCEPT, "application/fhir+json");
        if (content != null) {
            request.contentType(MediaType.parseMediaType(content.startsWith("<") ? "application/fhir+xml"
                    : "application/fhir+json")).body(content);
        }
        return request.retrieve().toEntity(String.class);
    }

    private static JsonNode body(ResponseEntity<String> answer) {
        return JSON.readTree(answer.getBody());
    }

    private static String diagnostics(ResponseEntity<String> answer) {
        JsonNode outcome = body(answer);
        assertThat(outcome.get("resourceType").asString()).as(answer.getBody()).isEqualTo("OperationOutcome");
        return outcome.get("issue").get(0).get("diagnostics").asString();
    }

    private RestClient http() {
        return RestClient.builder().baseUrl("http://localhost:" + port)
                .defaultStatusHandler(status -> true, (req, res) -> { }).build();
    }
}

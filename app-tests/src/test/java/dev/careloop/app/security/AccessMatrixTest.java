package dev.careloop.app.security;

import dev.careloop.api.access.AccessMatrix;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.http.server.PathContainer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Least privilege, checked from a table written by hand (not read from {@link AccessMatrix}): every {@code /api}
 * route and every {@code /fhir} interaction, called by one client per role and two partner systems. "Y" means the
 * route lets the caller through (what the resource then says - 404 for an id nobody has, 400 for an empty body - is
 * not this test's business); "-" means a 403 from the access table before any controller or FHIR provider runs.
 */
@CareLoopIntegrationTest
class AccessMatrixTest {

    /** The callers, in the table's column order. */
    private static final List<String> CALLERS = List.of(
            "northside-gp-clinician",    // C: clinician
            "northside-gp-coordinator",  // K: coordinator
            "northside-gp-compliance",   // O: compliance officer
            "careloop-admin",            // A: administrator
            "northside-ehr",             // P: partner, read + write scopes for referrals, reads records and consents
            "lakeside-ehr");             // L: partner, reads referrals and appointments, books appointments

    private static final String TABLE = """
            #                                                              C K O A P L
            GET    /api/referrals                                          Y Y - - Y Y
            GET    /api/referrals/counts                                   Y Y - - Y Y
            GET    /api/referrals/{id}                                     Y Y - - Y Y
            GET    /api/referrals/{id}/timeline                            Y Y - - Y Y
            GET    /api/referrals/{id}/parties                             Y Y - - Y Y
            POST   /api/referrals                                          Y Y - - Y -
            POST   /api/referrals/{id}/accept                              Y Y - - Y -
            POST   /api/referrals/{id}/decline                             Y Y - - Y -
            POST   /api/referrals/{id}/forward                             Y Y - - Y -
            POST   /api/referrals/{id}/request-information                 Y Y - - Y -
            POST   /api/referrals/{id}/provide-information                 Y Y - - Y -
            POST   /api/referrals/{id}/schedule                            Y Y - - Y -
            POST   /api/referrals/{id}/reschedule                          Y Y - - Y -
            POST   /api/referrals/{id}/no-show                             Y Y - - Y -
            POST   /api/referrals/{id}/cancel-appointment                  Y Y - - Y -
            POST   /api/referrals/{id}/interim-note                        Y Y - - Y -
            POST   /api/referrals/{id}/request-cancellation                Y Y - - Y -
            POST   /api/referrals/{id}/confirm-cancellation                Y Y - - Y -
            POST   /api/referrals/{id}/outcome                             Y Y - - Y -
            POST   /api/referrals/{id}/acknowledge-outcome                 Y Y - - Y -
            POST   /api/referrals/{id}/refer-back                          Y Y - - Y -
            POST   /api/referrals/{id}/assignment                          Y Y - - Y -
            DELETE /api/referrals/{id}/assignment                          Y Y - - Y -
            GET    /api/partnerships                                       Y Y - Y - -
            GET    /api/partnerships/{partner}                             Y Y - Y - -
            GET    /api/partnerships/{partner}/open-loops                  Y Y - - - -
            GET    /api/partnerships/{partner}/goals                       Y Y - - - -
            GET    /api/partnerships/{partner}/goals/{goalId}              Y Y - - - -
            POST   /api/partnerships/{partner}/goals                       Y Y - - - -
            DELETE /api/partnerships/{partner}/goals/{goalId}              Y Y - - - -
            GET    /api/organisations                                      Y Y Y Y Y Y
            GET    /api/organisations/{id}                                 Y Y Y Y Y Y
            GET    /api/partnerships/soonest                               Y Y - - - -
            GET    /api/persons                                            Y Y Y - - -
            GET    /api/records                                            Y Y - - Y -
            GET    /api/records/{id}                                       Y Y - - Y -
            GET    /api/records/{id}/versions                              Y Y - - Y -
            GET    /api/records/{id}/content                               Y Y - - Y -
            GET    /api/records/{id}/disclosures                           Y Y Y - - -
            GET    /api/notifications                                      Y Y - - - -
            GET    /api/notifications/count                                Y Y - - - -
            GET    /api/notifications/stream                               Y Y - - - -
            POST   /api/notifications/read-all                             Y Y - - - -
            POST   /api/notifications/{id}/read                            Y Y - - - -
            PUT    /api/records/content/{sha256}                           Y Y - - - -
            POST   /api/records                                            Y Y - - - -
            POST   /api/records/{id}/amend                                 Y Y - - - -
            POST   /api/records/{id}/grant                                 Y Y - - - -
            POST   /api/records/{id}/revoke                                Y Y - - - -
            POST   /api/records/{id}/emergency-access/{accessId}/review    - - Y - - -
            GET    /api/appointments                                       Y Y - - Y Y
            GET    /api/appointments/{id}                                  Y Y - - Y Y
            GET    /api/appointments/{id}/history                          Y Y - - Y Y
            POST   /api/appointments                                       Y Y - - - Y
            POST   /api/appointments/proposals                             Y Y - - - Y
            POST   /api/appointments/{id}/confirm-slot                     Y Y - - - Y
            POST   /api/appointments/{id}/reschedule                       Y Y - - - Y
            POST   /api/appointments/{id}/cancel                           Y Y - - - Y
            POST   /api/appointments/{id}/arrived                          Y Y - - - Y
            POST   /api/appointments/{id}/fulfilled                        Y Y - - - Y
            POST   /api/appointments/{id}/no-show                          Y Y - - - Y
            POST   /api/appointments/{id}/hand-off                         Y Y - - - Y
            GET    /api/patients                                           Y Y Y - - -
            GET    /api/patients/{patientId}/summary                       Y Y - - - -
            GET    /api/audit                                              - - Y - - -
            GET    /api/audit/disclosures                                  - - Y - - -
            GET    /api/audit/emergency-access                             - - Y - - -
            GET    /api/audit/export                                       - - Y - - -
            GET    /api/audit/referrals/{id}                               - - Y - - -
            GET    /api/audit/referrals/{id}/diff                          - - Y - - -
            GET    /api/audit/records/{id}                                 - - Y - - -
            GET    /api/audit/records/{id}/diff                            - - Y - - -
            GET    /api/audit/appointments/{id}                            - - Y - - -
            GET    /api/audit/appointments/{id}/diff                       - - Y - - -
            GET    /api/audit/log/verify                                   - - Y Y - -
            GET    /api/audit/log/checkpoints                              - - Y Y - -
            POST   /api/admin/ledger/checkpoints                           - - - Y - -
            POST   /api/admin/rebuilds                                     - - - Y - -
            GET    /api/admin/rebuilds                                     - - - Y - -
            GET    /api/admin/rebuilds/{id}                                - - - Y - -
            GET    /api/admin/read-models                                  - - - Y - -
            POST   /api/admin/patients/{patientId}/erasure                 - - - Y - -
            POST   /api/admin/patients/rekey                               - - - Y - -
            POST   /api/admin/partners                                     - - - Y - -
            GET    /api/admin/partners                                     - - - Y - -
            GET    /api/admin/partners/{id}                                - - - Y - -
            POST   /api/admin/partners/{id}/deactivate                     - - - Y - -
            GET    /api/admin/partners/{id}/dead-letters                   - - - Y - -
            POST   /api/admin/partners/{id}/dead-letters/{letterId}/retry  - - - Y - -
            DELETE /api/admin/partners/{id}/dead-letters/{letterId}        - - - Y - -
            GET    /api/admin/dead-letters                                 - - - Y - -
            POST   /api/admin/dead-letters/{group}/{sequence}/retry        - - - Y - -
            DELETE /api/admin/dead-letters/{group}/{sequence}              - - - Y - -
            # routes nobody has
            GET    /api/no-such-route                                      - - - - - -
            DELETE /api/referrals/{id}                                     - - - - - -
            PUT    /api/records/{id}                                       - - - - - -
            # the FHIR facade: search by patient (reads), create and update (writes)
            GET    /fhir/ServiceRequest                                    Y Y - - Y Y
            GET    /fhir/Task                                              Y Y - - Y Y
            GET    /fhir/Communication                                     Y Y - - Y -
            GET    /fhir/Appointment                                       Y Y - - Y Y
            GET    /fhir/DocumentReference                                 Y Y - - Y -
            GET    /fhir/Consent                                           Y Y - - Y -
            GET    /fhir/Provenance                                        Y Y Y - Y -
            GET    /fhir/AuditEvent                                        Y Y Y - - -
            GET    /fhir/Measure                                           Y Y - - - -
            GET    /fhir/MeasureReport                                     Y Y - - - -
            GET    /fhir/Organization                                      Y Y Y Y Y Y
            GET    /fhir/HealthcareService                                 Y Y Y Y Y Y
            GET    /fhir/Patient                                           Y Y - - Y -
            GET    /fhir/Practitioner                                      Y Y Y - Y -
            GET    /fhir/PractitionerRole                                  Y Y Y - Y -
            POST   /fhir/Task                                              - - - - Y -
            PUT    /fhir/Task/{id}                                         - - - - Y -
            GET    /fhir/Subscription                                      - - - - Y -
            POST   /fhir/Subscription                                      - - - - Y -
            DELETE /fhir/Subscription/{id}                                 - - - - Y -
            POST   /fhir/Communication                                     - - - - Y -
            POST   /fhir/Appointment                                       - - - - - Y
            PUT    /fhir/Appointment/{id}                                  - - - - - Y
            """;

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    private RestClient http;

    @BeforeEach
    void tokens() {
        http = RestClient.builder().baseUrl("http://localhost:" + port)
                .defaultStatusHandler(status -> true, (request, response) -> { })
                .build();
        CALLERS.forEach(c -> TOKENS.computeIfAbsent(c, id -> CareLoopClient.as(port, id).token()));
    }

    record Row(String method, String path, List<Boolean> allowed) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (String line : TABLE.strip().split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split("\\s+");
            List<Boolean> allowed = new ArrayList<>();
            for (int i = 2; i < cells.length; i++) {
                allowed.add(cells[i].equals("Y"));
            }
            assertThat(allowed).as(line).hasSize(CALLERS.size());
            rows.add(new Row(cells[0], cells[1], allowed));
        }
        return rows;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachCallerIsLetThroughOrRefusedAsTheTableSays(Row row) {
        Map<String, String> wrong = new LinkedHashMap<>();
        for (int i = 0; i < CALLERS.size(); i++) {
            String caller = CALLERS.get(i);
            ResponseEntity<String> response = call(row, TOKENS.get(caller));
            int status = response.getStatusCode().value();
            String body = String.valueOf(response.getBody());
            boolean refusedByTheTable = status == 403 && (row.path().startsWith("/fhir")
                    ? body.contains("OperationOutcome")
                    : body.contains(" is for ") || body.contains("no route of CareLoop"));
            if (row.allowed().get(i) == refusedByTheTable || status == 401 || status >= 500) {
                wrong.put(caller, status + " " + body.substring(0, Math.min(body.length(), 200)));
            }
        }
        assertThat(wrong).as(row + ": callers answered against the table").isEmpty();
    }

    @Test
    void aRefusalIsAProblemThatSaysWhoMay() {
        ResponseEntity<String> refused = call(new Row("GET", "/api/records/{id}/content", List.of()),
                TOKENS.get("northside-gp-compliance"));

        assertThat(refused.getStatusCode().value()).isEqualTo(403);
        assertThat(refused.getHeaders().getContentType().toString()).startsWith("application/problem+json")
                .as("declared as the bytes are written").doesNotContainIgnoringCase("ISO-8859-1");
        assertThat(refused.getBody()).contains("clinicians or coordinators")
                .contains("system/DocumentReference.read");
    }

    @Test
    void withoutATokenOnlyTheOpenRoutesAnswer() {
        assertThat(http.get().uri("/actuator/health").retrieve().toEntity(String.class).getStatusCode().value())
                .isEqualTo(200);
        assertThat(http.get().uri("/v3/api-docs").retrieve().toEntity(String.class).getStatusCode().value())
                .isEqualTo(200);
        for (String path : List.of("/api/referrals", "/api/audit", "/api/admin/partners", "/api/no-such-route")) {
            ResponseEntity<String> response = http.get().uri(path).retrieve().toEntity(String.class);
            assertThat(response.getStatusCode().value()).as(path).isEqualTo(401);
        }
    }

    /**
     * The local issuer's own routes sit outside the table, in its filter chain (LocalIssuer): discovery and the
     * login form open, /userinfo for a bearer token, the code for a logged-in person only: a bearer token of the
     * API is no login at /oauth2/authorize.
     */
    @Test
    void theIssuersRoutesAreItsOwnDiscoveryAndLoginOpenUserinfoForABearerAndAuthorizeSendsToTheLoginForm() {
        ResponseEntity<String> discovery = http.get().uri("/.well-known/openid-configuration").retrieve()
                .toEntity(String.class);
        assertThat(discovery.getStatusCode().value()).isEqualTo(200);
        assertThat(discovery.getBody()).contains("/oauth2/authorize").contains("/userinfo")
                .contains("/connect/logout").contains("S256");
        ResponseEntity<String> login = http.get().uri("/login").retrieve().toEntity(String.class);
        assertThat(login.getStatusCode().value()).isEqualTo(200);
        assertThat(login.getBody()).contains("name=\"_csrf\"").contains("name=\"password\"");
        assertThat(http.get().uri("/userinfo").retrieve().toEntity(String.class).getStatusCode().value())
                .isEqualTo(401);
        ResponseEntity<String> authorize = http.get().uri("/oauth2/authorize?response_type=code&client_id="
                        + "careloop-web&scope=openid&redirect_uri=http://127.0.0.1:8080/login/oauth2/code/careloop"
                        + "&code_challenge=" + "a".repeat(43) + "&code_challenge_method=S256")
                .header("Authorization", "Bearer " + TOKENS.get("northside-gp-clinician"))
                .retrieve().toEntity(String.class);
        // This client follows redirects: an API token is no login, so the answer is the login form, not a code.
        assertThat(authorize.getStatusCode().value()).isEqualTo(200);
        assertThat(authorize.getBody()).contains("name=\"password\"").doesNotContain("code=");
    }

    @Test
    void theTableAboveNamesEveryRouteOfTheAccessMatrix() {
        Set<String> handWritten = rows().stream().filter(r -> r.path().startsWith("/api"))
                .map(Row::toString).collect(Collectors.toCollection(TreeSet::new));
        Set<String> matrix = AccessMatrix.ROUTES.stream().filter(r -> !r.open())
                .map(r -> r.method() + " " + r.path()).collect(Collectors.toCollection(TreeSet::new));

        assertThat(handWritten).containsAll(matrix);
    }

    @Test
    void everySpringMvcMappingIsNamedByTheAccessMatrix() {
        PathPatternParser parser = new PathPatternParser();
        List<String> unnamed = new ArrayList<>();
        for (var mapping : mappings.getHandlerMethods().entrySet()) {
            // The web app's pages sit behind their own chain (a signed-in person) and reach CareLoop only through
            // the API as that person, so this table still decides everything they can read or do.
            if (mapping.getValue().getBeanType().getPackageName().startsWith("dev.careloop.web")) {
                continue;
            }
            RequestMappingInfo info = mapping.getKey();
            Set<String> methods = info.getMethodsCondition().getMethods().stream().map(Enum::name)
                    .collect(Collectors.toSet());
            for (String pattern : info.getPatternValues()) {
                for (String method : methods.isEmpty() ? Set.of("*") : methods) {
                    boolean named = AccessMatrix.ROUTES.stream().anyMatch(route ->
                            (route.method() == null || route.method().equals(method))
                                    && (route.path().equals(pattern) || (route.open()
                                    && parser.parse(route.path()).matches(PathContainer.parsePath(pattern)))));
                    if (!named) {
                        unnamed.add(method + " " + pattern);
                    }
                }
            }
        }

        assertThat(unnamed).as("MVC mappings the access matrix does not name (so nobody may call them)").isEmpty();
    }

    private ResponseEntity<String> call(Row row, String token) {
        String path = row.path()
                .replace("{id}", UUID.randomUUID().toString())
                .replace("{patientId}", UUID.randomUUID().toString())
                .replace("{sha256}", "0".repeat(64))
                .replace("{letterId}", "1")
                .replace("{accessId}", "no-such-access")
                .replace("{group}", "referrals")
                .replace("{partner}", "no-such-partner")
                .replace("{goalId}", "no-such-goal")
                .replace("{sequence}", "nothing");
        String contentType = "application/json";
        String body = "{}";
        if (path.startsWith("/fhir")) {
            contentType = "application/fhir+json";
            body = path.contains("/Task/") ? "{\"resourceType\":\"Task\",\"id\":\"" + path.substring(
                    path.lastIndexOf('/') + 1) + "\",\"status\":\"accepted\",\"intent\":\"order\"}"
                    : "{\"resourceType\":\"Task\",\"status\":\"requested\",\"intent\":\"order\"}";
            if (row.method().equals("GET")) {
                path = path + "?patient=urn:example:nobody|" + UUID.randomUUID();
            }
        } else if (row.method().equals("PUT")) {
            contentType = "text/plain";
            body = "not the content named by the hash";
        }
        if (path.endsWith("/stream")) {
            return openStream(path, token);
        }
        RestClient.RequestBodySpec request = http.method(HttpMethod.valueOf(row.method())).uri(path)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        if (!row.method().equals("GET") && !row.method().equals("DELETE")) {
            request = request.header(HttpHeaders.CONTENT_TYPE, contentType).body(body);
        }
        return request.retrieve().toEntity(String.class);
    }

    /** A live stream never ends by itself: its status and headers are the answer, then the stream is closed. */
    private ResponseEntity<String> openStream(String path, String token) {
        try {
            java.net.http.HttpResponse<java.io.InputStream> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + path))
                            .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                            .timeout(java.time.Duration.ofSeconds(10)).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream body = response.body()) {
                String text = response.statusCode() == 200 ? "a stream"
                        : new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                return ResponseEntity.status(response.statusCode()).body(text);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

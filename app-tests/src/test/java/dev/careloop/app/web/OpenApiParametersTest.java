package dev.careloop.app.web;

import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.command.web.WriteHeaders;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.client.RestClient;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document lists only parameters an HTTP request can carry: each is a path, query, header or cookie
 * parameter that names an annotated argument of the controller method behind the operation (@PathVariable,
 * @RequestParam, @RequestHeader, @CookieValue), never the server's own objects such as the caller (Actor). And it
 * declares how to get a token, so that Swagger UI's Authorize works.
 */
@CareLoopIntegrationTest
class OpenApiParametersTest {

    private static final Set<String> LOCATIONS = Set.of("path", "query", "header", "cookie");
    private static final DefaultParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

    @LocalServerPort
    int port;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void everyDocumentedParameterIsOneTheRequestCarriesAndTheControllerReads() {
        JsonNode document = document();
        Map<String, Set<String>> accepted = annotatedParameters();
        List<String> wrong = new ArrayList<>();
        int parameters = 0;
        for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                String key = operation.getKey().toUpperCase() + " " + path.getKey();
                Set<String> names = accepted.get(key);
                for (JsonNode parameter : operation.getValue().path("parameters")) {
                    parameters++;
                    String name = parameter.path("name").asString();
                    String in = parameter.path("in").asString();
                    String ref = parameter.path("schema").path("$ref").asString("");
                    if (!LOCATIONS.contains(in)) {
                        wrong.add(key + ": '" + name + "' in " + in);
                    } else if (!ref.isEmpty()) {
                        wrong.add(key + ": '" + name + "' has the schema of a type (" + ref + ")");
                    } else if (names == null || !names.contains(in + ":" + name.toLowerCase())) {
                        wrong.add(key + ": '" + name + "' (" + in + ") is no annotated argument of "
                                + (names == null ? "any handler" : "the handler, which reads " + names));
                    }
                }
            }
        }

        assertThat(parameters).as("the document lists the API's parameters").isGreaterThan(20);
        assertThat(wrong).as("parameters no request can carry").isEmpty();
        assertThat(document.toString()).doesNotContain("\"actor\"").doesNotContain("\"Actor\"");
    }

    @Test
    void everyWriteToAnExistingResourceDocumentsIfMatchAndIdempotencyKey() {
        JsonNode paths = document().get("paths");
        List<String> writes = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> mapping : mappings.getHandlerMethods().entrySet()) {
            boolean readsWriteHeaders = Arrays.stream(mapping.getValue().getMethodParameters())
                    .anyMatch(p -> p.getParameterType() == WriteHeaders.class);
            if (!readsWriteHeaders) {
                continue;
            }
            for (String pattern : mapping.getKey().getPatternValues()) {
                for (RequestMethod method : mapping.getKey().getMethodsCondition().getMethods()) {
                    String key = method.name() + " " + pattern;
                    writes.add(key);
                    Set<String> headers = new HashSet<>();
                    for (JsonNode parameter : paths.path(pattern).path(method.name().toLowerCase()).path("parameters")) {
                        if (parameter.path("in").asString().equals("header")) {
                            headers.add(parameter.path("name").asString());
                        }
                    }
                    if (!headers.containsAll(Set.of(WriteHeaders.IF_MATCH, WriteHeaders.IDEMPOTENCY_KEY))) {
                        missing.add(key + " lists " + headers);
                    }
                }
            }
        }

        assertThat(writes).as("writes to an existing referral, record or appointment")
                .contains("POST /api/referrals/{id}/accept", "POST /api/records/{id}/amend",
                        "POST /api/appointments/{id}/reschedule");
        assertThat(missing).as("writes whose If-Match or Idempotency-Key the document leaves out").isEmpty();
    }

    @Test
    void theDocumentDeclaresBearerTokensAndTheIssuersFlows() {
        JsonNode schemes = document().get("components").get("securitySchemes");

        assertThat(schemes.get("bearer-jwt").get("scheme").asString()).isEqualTo("bearer");
        JsonNode flows = schemes.get("careloop-oauth2").get("flows");
        assertThat(flows.get("authorizationCode").get("authorizationUrl").asString()).isEqualTo("/oauth2/authorize");
        assertThat(flows.get("authorizationCode").get("tokenUrl").asString()).isEqualTo("/oauth2/token");
        assertThat(flows.get("clientCredentials").get("tokenUrl").asString()).isEqualTo("/oauth2/token");
        JsonNode swaggerConfig = new ObjectMapper().readTree(RestClient.create("http://localhost:" + port)
                .get().uri("/v3/api-docs/swagger-config").retrieve().body(String.class));
        assertThat(swaggerConfig.get("oauth2RedirectUrl").asString()).endsWith("/swagger-ui/oauth2-redirect.html");
        // Swagger UI's initOAuth: the public client, with PKCE.
        String initializer = RestClient.create("http://localhost:" + port).get()
                .uri("/swagger-ui/swagger-initializer.js").retrieve().body(String.class);
        assertThat(initializer.replaceAll("\\s", "")).contains("initOAuth")
                .contains("\"clientId\":\"careloop-web\"").contains("\"usePkceWithAuthorizationCodeGrant\":true");
    }

    private JsonNode document() {
        return new ObjectMapper().readTree(RestClient.create("http://localhost:" + port)
                .get().uri("/v3/api-docs").retrieve().body(String.class));
    }

    /** "GET /api/referrals/{id}" -> {"path:id", "query:box", "header:if-match", ...} of the handler behind it. */
    private Map<String, Set<String>> annotatedParameters() {
        Map<String, Set<String>> accepted = new HashMap<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> mapping : mappings.getHandlerMethods().entrySet()) {
            Set<String> names = new HashSet<>();
            for (MethodParameter parameter : mapping.getValue().getMethodParameters()) {
                parameter.initParameterNameDiscovery(NAMES);
                String declared = parameter.getParameterName();
                PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
                RequestParam query = parameter.getParameterAnnotation(RequestParam.class);
                RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
                CookieValue cookie = parameter.getParameterAnnotation(CookieValue.class);
                if (path != null) {
                    names.add("path:" + name(path.name(), declared));
                } else if (query != null) {
                    names.add("query:" + name(query.name(), declared));
                } else if (header != null) {
                    names.add("header:" + name(header.name(), declared));
                } else if (cookie != null) {
                    names.add("cookie:" + name(cookie.name(), declared));
                } else if (parameter.getParameterType() == WriteHeaders.class) {
                    names.add("header:" + WriteHeaders.IF_MATCH.toLowerCase());
                    names.add("header:" + WriteHeaders.IDEMPOTENCY_KEY.toLowerCase());
                }
            }
            Set<RequestMethod> methods = mapping.getKey().getMethodsCondition().getMethods();
            for (String pattern : mapping.getKey().getPatternValues()) {
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.values()) : methods) {
                    accepted.computeIfAbsent(method.name() + " " + pattern, k -> new HashSet<>()).addAll(names);
                }
            }
        }
        return accepted;
    }

    private static String name(String annotated, String declared) {
        return (annotated == null || annotated.isEmpty() ? declared : annotated).toLowerCase();
    }
}

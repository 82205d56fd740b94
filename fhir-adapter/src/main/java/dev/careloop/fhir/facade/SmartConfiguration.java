package dev.careloop.fhir.facade;

import dev.careloop.api.access.AccessMatrix;
import dev.careloop.fhir.delivery.DeliverySettings;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * SMART's discovery document for backend services: where a partner system gets a token (client credentials) and
 * which system scopes the facade knows, read from the access table. Open, like the CapabilityStatement.
 */
@RestController
@Tag(name = "FHIR", description = "The FHIR R4 facade's discovery")
class SmartConfiguration {

    static final String PATH = "/.well-known/smart-configuration";

    private final String issuer;
    private final String tokenEndpoint;

    SmartConfiguration(DeliverySettings settings,
                       @Value("${spring.security.oauth2.resourceserver.jwt.issuer-uri:}") String externalIssuer,
                       @Value("${careloop.fhir.smart-token-endpoint:}") String tokenEndpoint) {
        String base = settings.fhirBaseUrl().replaceAll("/+$", "").replaceAll("/fhir$", "");
        // No external issuer: the local issuer at CareLoop's own public base (Spring Authorization Server's paths).
        this.issuer = externalIssuer == null || externalIssuer.isBlank() ? base : externalIssuer.replaceAll("/+$", "");
        this.tokenEndpoint = tokenEndpoint == null || tokenEndpoint.isBlank() ? issuer + "/oauth2/token" : tokenEndpoint;
    }

    @GetMapping(value = PATH, produces = "application/json")
    @Operation(summary = "SMART backend services discovery: the token endpoint and the system scopes of /fhir")
    Map<String, Object> smartConfiguration() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", issuer);
        document.put("token_endpoint", tokenEndpoint);
        document.put("grant_types_supported", List.of("client_credentials"));
        document.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        document.put("scopes_supported", scopes());
        document.put("capabilities", List.of("client-confidential-symmetric", "permission-v1"));
        return document;
    }

    private static List<String> scopes() {
        TreeSet<String> scopes = new TreeSet<>();
        AccessMatrix.FHIR.forEach(route -> route.scopes().forEach(scope -> scopes.add(scope.toString())));
        return List.copyOf(scopes);
    }
}

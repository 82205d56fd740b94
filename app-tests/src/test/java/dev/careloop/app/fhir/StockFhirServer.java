package dev.careloop.app.fhir;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.util.FhirTerser;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A partner FHIR server that behaves like a stock HAPI JPA server where it matters to a push: each base URL
 * ({@code /{name}/fhir}) keeps what it received by type and id, takes a transaction whole or not at all, and
 * refuses (400, an OperationOutcome) any reference to a resource it does not hold nor receives in the same Bundle
 * (HAPI-1094), a version-specific reference (it numbers versions itself) and a reference to another server.
 */
public final class StockFhirServer implements AutoCloseable {

    private static final String TRANSFORMER = "stock-fhir-transaction";

    private final Map<String, Map<String, Resource>> held = new ConcurrentHashMap<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private final WireMockServer server = new WireMockServer(options().dynamicPort().extensions(new Transactions()));

    public StockFhirServer() {
        server.start();
        server.stubFor(post(urlPathMatching("/[a-z0-9-]+/fhir/?")).willReturn(aResponse().withTransformers(TRANSFORMER)));
    }

    /** The FHIR base of the partner named {@code name} on this server. */
    public String base(String name) {
        return server.baseUrl() + "/" + name + "/fhir";
    }

    /** What the partner {@code name} holds, by {@code Type/id}. */
    public Map<String, Resource> held(String name) {
        return Map.copyOf(held.getOrDefault("/" + name + "/fhir", Map.of()));
    }

    /** Every refusal so far, each as "path: diagnostics". */
    public List<String> refusals() {
        return List.copyOf(refusals);
    }

    @Override
    public void close() {
        server.stop();
    }

    private synchronized ResponseDefinition transaction(String path, String body) {
        IParser parser = R4ChangeProjector.fhirContext().newJsonParser();
        FhirTerser terser = new FhirTerser(R4ChangeProjector.fhirContext());
        Bundle bundle;
        try {
            bundle = parser.parseResource(Bundle.class, body);
        } catch (RuntimeException e) {
            return refuse(path, "HAPI-1861: Failed to parse request body as JSON resource: " + e.getMessage());
        }
        if (bundle.getType() != Bundle.BundleType.TRANSACTION) {
            return refuse(path, "HAPI-0527: Unable to process bundle of type " + bundle.getType());
        }
        Map<String, Resource> store = held.computeIfAbsent(path, p -> new ConcurrentHashMap<>());
        Map<String, Resource> pending = new LinkedHashMap<>();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            String key = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
            if (entry.getRequest().getMethod() != Bundle.HTTPVerb.PUT || !key.equals(entry.getRequest().getUrl())) {
                return refuse(path, "HAPI-0996: an entry is not a PUT to its resource's own id: " + key);
            }
            pending.put(key, resource);
        }
        for (Resource resource : pending.values()) {
            for (Reference reference : terser.getAllPopulatedChildElementsOfType(resource, Reference.class)) {
                String literal = reference.getReference();
                if (literal == null || literal.startsWith("#")) {
                    continue;
                }
                IdType id = new IdType(literal);
                String where = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
                if (id.isAbsolute()) {
                    return refuse(path, "HAPI-0507: Resource " + where + " contains external reference to URL "
                            + literal);
                }
                if (id.hasVersionIdPart()) {
                    return refuse(path, "Resource " + where + " has a version-specific reference " + literal
                            + ": this server numbers its own versions");
                }
                String key = id.getResourceType() + "/" + id.getIdPart();
                if (!store.containsKey(key) && !pending.containsKey(key)) {
                    return refuse(path, "HAPI-1094: Resource " + key + " not found, specified in path: " + where);
                }
            }
        }
        store.putAll(pending);
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        pending.keySet().forEach(key -> response.addEntry().getResponse().setStatus("200 OK").setLocation(key));
        return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/fhir+json")
                .withBody(parser.encodeResourceToString(response)).build();
    }

    private ResponseDefinition refuse(String path, String diagnostics) {
        refusals.add(path + ": " + diagnostics);
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.PROCESSING).setDiagnostics(diagnostics);
        return new ResponseDefinitionBuilder().withStatus(400).withHeader("Content-Type", "application/fhir+json")
                .withBody(R4ChangeProjector.fhirContext().newJsonParser().encodeResourceToString(outcome)).build();
    }

    /** Every POST to a base is a transaction, handled by this server. */
    private final class Transactions implements ResponseDefinitionTransformerV2 {
        @Override
        public ResponseDefinition transform(ServeEvent event) {
            String path = event.getRequest().getUrl().replaceAll("/$", "");
            return transaction(path, event.getRequest().getBodyAsString());
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return TRANSFORMER;
        }
    }
}

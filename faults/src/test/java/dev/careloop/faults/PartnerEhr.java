package dev.careloop.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * riverside-derm's EHR, played by WireMock on localhost: takes transaction Bundles, and can be made to drop
 * every connection (down) or to answer slowly. What it took is read back from its request journal.
 */
final class PartnerEhr implements AutoCloseable {

    static final String PATH = "/ehr/fhir";
    private static final String TAKEN = "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}";

    private final WireMockServer server;
    private StubMapping fault;

    private PartnerEhr(WireMockServer server) {
        this.server = server;
    }

    static PartnerEhr start() {
        WireMockServer server = new WireMockServer(options().port(FreePorts.take()).bindAddress("127.0.0.1"));
        server.start();
        server.stubFor(post(urlEqualTo(PATH)).atPriority(10).willReturn(okJson(TAKEN)));
        return new PartnerEhr(server);
    }

    String baseUrl() {
        return server.baseUrl() + PATH;
    }

    /** Every connection is reset: as a partner whose server is down behind its address. */
    void down() {
        heal();
        fault = server.stubFor(post(urlEqualTo(PATH)).atPriority(1)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }

    /** Takes every Bundle, but only after {@code millis}. */
    void slow(int millis) {
        heal();
        fault = server.stubFor(post(urlEqualTo(PATH)).atPriority(1).willReturn(okJson(TAKEN).withFixedDelay(millis)));
    }

    void heal() {
        if (fault != null) {
            server.removeStub(fault);
            fault = null;
        }
    }

    /** Each Task version the partner took (answered 200), in the order it took them, per referral. */
    Map<String, List<Long>> taskVersionsTaken() {
        List<ServeEvent> served = new ArrayList<>(server.getAllServeEvents());
        // The journal lists the newest first.
        java.util.Collections.reverse(served);
        Map<String, List<Long>> versions = new HashMap<>();
        for (ServeEvent event : served) {
            if (!event.getRequest().getUrl().equals(PATH) || event.getResponseDefinition().getFault() != null
                    || event.getResponse() == null || event.getResponse().getStatus() != 200) {
                continue;
            }
            try {
                JsonNode bundle = Api.JSON.readTree(event.getRequest().getBodyAsString());
                for (JsonNode entry : bundle.path("entry")) {
                    JsonNode resource = entry.path("resource");
                    if ("Task".equals(resource.path("resourceType").asText())) {
                        versions.computeIfAbsent(resource.path("id").asText(), id -> new ArrayList<>())
                                .add(resource.path("meta").path("versionId").asLong());
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("the partner took something that is not JSON", e);
            }
        }
        return versions;
    }

    @Override
    public void close() {
        server.stop();
    }
}

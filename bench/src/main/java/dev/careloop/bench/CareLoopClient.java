package dev.careloop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/** The calls a clinic's system makes to CareLoop, over plain HTTP/1.1 with bearer tokens. */
final class CareLoopClient {

    static final String INITIATOR = "northside-gp-staff";
    static final String RECIPIENT = "riverside-derm-staff";
    /** The local issuer's monitoring client: /actuator/prometheus wants its "metrics" scope (or an admin). */
    static final String METRICS = "careloop-metrics";

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String baseUrl;

    CareLoopClient(URI baseUrl) {
        this.baseUrl = baseUrl.toString();
    }

    /** What came back; {@code etag} is the referral's version as the server quoted it, or null. */
    record Reply(int status, String body, String etag) {
    }

    /** The one call before the load: is anything answering, and is it CareLoop? */
    void requireHealthy() throws InterruptedException {
        try {
            Reply health = send(HttpRequest.newBuilder(uri("/actuator/health")).GET());
            if (health.status() != 200) {
                throw new IllegalStateException("GET " + baseUrl + "/actuator/health answered " + health.status()
                        + ": " + health.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("no CareLoop answering at " + baseUrl + " (" + e
                    + "); start it first, see the top of bench/run.sh", e);
        }
    }

    /** A client-credentials token from the local issuer of the {@code local} profile. */
    String token(String clientId, String secret) throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        Reply reply = send(HttpRequest.newBuilder(uri("/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
        String token = reply.status() == 200 ? JSON.readTree(reply.body()).path("access_token").asText(null) : null;
        if (token == null) {
            throw new IllegalStateException("no token for " + clientId + ": POST /oauth2/token answered "
                    + reply.status() + " " + reply.body() + " (is the app running with --spring.profiles.active=local?)");
        }
        return token;
    }

    Reply sendReferral(String token) throws IOException, InterruptedException {
        return send(authorised(uri("/api/referrals"), token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(referralBody())));
    }

    /** The HTTP floor (app started with CARELOOP_BENCH_FLOOR=true): the same body as a referral, one row inserted. */
    Reply floor(String token) throws IOException, InterruptedException {
        return send(authorised(uri("/api/bench/floor"), token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(referralBody())));
    }

    /** A referral to riverside-derm for a patient named {@code name}, of {@code priority}, with a random MRN. */
    Reply sendReferral(String token, String name, String priority) throws IOException, InterruptedException {
        ObjectNode body = (ObjectNode) JSON.readTree(referralBody());
        body.put("priority", priority);
        ((ObjectNode) body.get("patient")).put("name", name);
        return send(authorised(uri("/api/referrals"), token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body))));
    }

    Reply decline(String token, String referralId, String etag) throws IOException, InterruptedException {
        return send(ifMatch(authorised(uri("/api/referrals/" + referralId + "/decline"), token), etag)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"Not a dermatology problem\"}")));
    }

    /** A GET of {@code pathAndQuery} (already encoded). */
    Reply get(String token, String pathAndQuery) throws IOException, InterruptedException {
        return send(authorised(uri(pathAndQuery), token).GET());
    }

    Reply accept(String token, String referralId, String etag) throws IOException, InterruptedException {
        return send(ifMatch(authorised(uri("/api/referrals/" + referralId + "/accept"), token), etag)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    Reply schedule(String token, String referralId, String etag) throws IOException, InterruptedException {
        return send(ifMatch(authorised(uri("/api/referrals/" + referralId + "/schedule"), token), etag)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(visitBody())));
    }

    Reply view(String token, String referralId) throws IOException, InterruptedException {
        return send(authorised(uri("/api/referrals/" + referralId), token).GET());
    }

    /** The id of the referral a 201 created, or null when the body does not name one. */
    static String referralId(Reply created) {
        try {
            return JSON.readTree(created.body()).path("referralId").asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    private Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(response.statusCode(), response.body(),
                response.headers().firstValue("ETag").orElse(null));
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private static HttpRequest.Builder authorised(URI uri, String token) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token);
    }

    private static HttpRequest.Builder ifMatch(HttpRequest.Builder request, String etag) {
        return etag == null ? request : request.header("If-Match", etag);
    }

    private static byte[] referralBody() {
        ObjectNode body = JSON.createObjectNode()
                .put("recipientOrganisation", "riverside-derm")
                .put("priority", "routine")
                .put("service", "Dermatology consultation")
                .put("reason", "Changing pigmented lesion on left forearm")
                .put("note", "Photos to follow");
        body.putObject("patient")
                .put("identifierSystem", "https://northside-gp.example/mrn")
                .put("identifierValue", "MRN-" + ThreadLocalRandom.current().nextLong(100_000_000L, 1_000_000_000L))
                .put("name", "Alex Example")
                .put("birthDate", "1980-04-02");
        return bytes(body);
    }

    private static byte[] visitBody() {
        Instant start = Instant.now().plus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MINUTES);
        return bytes(JSON.createObjectNode()
                .put("start", start.toString())
                .put("end", start.plus(30, ChronoUnit.MINUTES).toString())
                .put("location", "Room 4"));
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The app's own JVM, from its Prometheus endpoint (as the metrics client), so a result says what it ran on. */
    String describeAppJvm(String secret) {
        try {
            Reply metrics = send(authorised(uri("/actuator/prometheus"), token(METRICS, secret)).GET());
            if (metrics.status() != 200) {
                return "unknown (GET /actuator/prometheus answered " + metrics.status() + ")";
            }
            return PrometheusText.describeJvm(metrics.body());
        } catch (IOException | IllegalStateException e) {
            return "unknown (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}

package dev.careloop.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CareLoop over HTTP as the demo clients of the local issuer call it. Tokens are fetched once per client and
 * fetched again after a 401 (a restarted process has a new signing key).
 */
final class Api {

    static final String GP = "northside-gp-staff";
    static final String DERM = "riverside-derm-staff";
    static final String COMPLIANCE = "careloop-compliance";
    static final String ADMIN = "careloop-admin";
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3))
            .build();
    private volatile String baseUrl;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    Api(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** What came back. */
    record Reply(int status, String body, Map<String, java.util.List<String>> headers) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (" + status + "): " + body, e);
            }
        }

        /** The version an answer names: its ETag ("3" or W/"3"), else the body's version. */
        long version() {
            String etag = header("ETag");
            if (etag != null) {
                return Long.parseLong(etag.replace("W/", "").replace("\"", "").trim());
            }
            return json().path("version").asLong(-1);
        }
    }

    /** The app moved (restarted on another port): its tokens are no good there either. */
    void moveTo(String baseUrl) {
        this.baseUrl = baseUrl;
        tokens.clear();
    }

    /**
     * A load balancer sends this client to another node of the same cluster: the tokens are kept, because the
     * nodes share the local issuer's key (CARELOOP_LOCAL_ISSUER_KEY) and take each other's tokens.
     */
    void failOverTo(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    String baseUrl() {
        return baseUrl;
    }

    String token(String client) throws IOException, InterruptedException {
        String token = tokens.get(client);
        if (token != null) {
            return token;
        }
        String basic = Base64.getEncoder().encodeToString((client + ":demo-secret").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/oauth2/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("POST /oauth2/token as " + client + " answered " + answer.statusCode());
        }
        token = JSON.readTree(answer.body()).path("access_token").asText();
        tokens.put(client, token);
        return token;
    }

    /** Forgets a token the server no longer takes (only if it is still the one cached). */
    void forget(String client, String token) {
        tokens.remove(client, token);
    }

    Reply send(String client, String method, String path, String json, Map<String, String> headers)
            throws IOException, InterruptedException {
        String token = token(client);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 401) {
            forget(client, token);
        }
        return new Reply(answer.statusCode(), answer.body(), answer.headers().map());
    }

    Reply get(String client, String path) throws IOException, InterruptedException {
        Reply reply = send(client, "GET", path, null, Map.of());
        return reply.status() == 401 ? send(client, "GET", path, null, Map.of()) : reply;
    }

    Reply post(String client, String path, Object body) throws IOException, InterruptedException {
        Reply reply = send(client, "POST", path, JSON.writeValueAsString(body), Map.of());
        return reply.status() == 401 ? send(client, "POST", path, JSON.writeValueAsString(body), Map.of()) : reply;
    }
}

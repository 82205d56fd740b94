package dev.careloop.app;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real HTTP client for tests: gets client-credentials tokens from the local issuer and calls the API
 * as one demo client. Never throws on 4xx/5xx: tests assert the status.
 */
public final class CareLoopClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RestClient http;
    private final String token;

    private CareLoopClient(RestClient http, String token) {
        this.http = http;
        this.token = token;
    }

    public static CareLoopClient as(int port, String clientId) {
        RestClient http = RestClient.builder().baseUrl("http://localhost:" + port)
                .defaultStatusHandler(status -> true, (req, res) -> { })
                .build();
        String basic = Base64.getEncoder().encodeToString((clientId + ":demo-secret").getBytes());
        String body = http.post().uri("/oauth2/token")
                .header(HttpHeaders.AUTHORIZATION, "Basic " + basic)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body("grant_type=client_credentials")
                .retrieve().body(String.class);
        return new CareLoopClient(http, JSON.readTree(body).get("access_token").asText());
    }

    /** A client calling with a token got elsewhere (a person's, from the authorization code flow). */
    public static CareLoopClient withToken(int port, String token) {
        return new CareLoopClient(RestClient.builder().baseUrl("http://localhost:" + port)
                .defaultStatusHandler(status -> true, (req, res) -> { }).build(), token);
    }

    /** The bearer token, for tests that speak HTTP at the socket level. */
    public String token() {
        return token;
    }

    public Response post(String path, Object body, Consumer<HttpHeaders> headers) {
        ResponseEntity<String> r = http.post().uri(path)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .headers(headers)
                .contentType(MediaType.APPLICATION_JSON)
                .body(body == null ? "{}" : body instanceof String s ? s : JSON.writeValueAsString(body))
                .retrieve().toEntity(String.class);
        return new Response(r);
    }

    public Response post(String path, Object body) {
        return post(path, body, h -> { });
    }

    public Response get(String path) {
        return new Response(http.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .retrieve().toEntity(String.class));
    }

    public Response get(String path, Consumer<HttpHeaders> headers) {
        return new Response(http.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .headers(headers).retrieve().toEntity(String.class));
    }

    /** A DELETE with a JSON body (a withdrawal's reason, say). */
    public Response delete(String path, Object body) {
        return new Response(http.method(org.springframework.http.HttpMethod.DELETE).uri(path)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .body(body == null ? "{}" : JSON.writeValueAsString(body))
                .retrieve().toEntity(String.class));
    }

    /** Raw bytes with the given Content-Type (and the Content-Length of the array). */
    public Response put(String path, byte[] body, String contentType) {
        return new Response(http.put().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.parseMediaType(contentType)).body(body)
                .retrieve().toEntity(String.class));
    }

    /** A download: the status, the headers and the bytes as they came. */
    public ResponseEntity<byte[]> download(String path, Consumer<HttpHeaders> headers) {
        return http.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + token).headers(headers)
                .retrieve().toEntity(byte[].class);
    }

    /**
     * A referral from northside-gp's point of view, ready to send to {@code recipient}, for a service the recipient
     * offers in the local profile's organisation directory.
     */
    public static Map<String, Object> referralTo(String recipient, String mrn) {
        String service = switch (recipient) {
            case "lakeside-cardio" -> "Cardiology assessment";
            case "northside-gp" -> "GP review";
            default -> "Dermatology consultation";
        };
        return Map.of("recipientOrganisation", recipient, "priority", "routine",
                "service", service, "reason", "Changing pigmented lesion",
                "patient", Map.of("identifierSystem", "https://northside-gp.example/mrn", "identifierValue", mrn,
                        "name", "Alex Morgan", "birthDate", "1980-04-02"));
    }

    public record Response(ResponseEntity<String> entity) {
        public int status() {
            return entity.getStatusCode().value();
        }

        public JsonNode json() {
            return JSON.readTree(entity.getBody());
        }

        public String header(String name) {
            return entity.getHeaders().getFirst(name);
        }

        public String body() {
            return entity.getBody();
        }
    }
}

package dev.careloop.app.security;

import dev.careloop.app.Await;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local issuer as an attacker meets it: guessing secrets is throttled (429), an unknown client id costs what a
 * wrong secret costs, a revoked token stops working on /api and /fhir at once, and introspection tells a client
 * nothing about another client's tokens.
 */
@CareLoopIntegrationTest
class LocalIssuerDefencesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Autowired
    TokenThrottle throttle;
    @Autowired
    ClientSecrets secrets;
    @Autowired
    JdbcTemplate jdbc;

    private RestClient http;

    @BeforeEach
    void client() {
        throttle.forget();
        // The JDK's client: Apache HttpClient 5 would wait out a 429's Retry-After and ask again by itself.
        http = RestClient.builder().baseUrl("http://localhost:" + port)
                .requestFactory(new JdkClientHttpRequestFactory())
                .defaultStatusHandler(status -> true, (req, res) -> { }).build();
    }

    /** Every test here fails on purpose from 127.0.0.1: the other tests of this context must still get tokens. */
    @AfterEach
    void forgetTheFailures() {
        throttle.forget();
    }

    @Test
    void tenWrongSecretsForAClientAnswer429UntilTheMinuteIsOverEvenWithTheRightSecret() {
        for (int i = 0; i < 10; i++) {
            assertThat(token("lakeside-cardio-staff", "guess-" + i).getStatusCode().value()).isEqualTo(401);
        }

        ResponseEntity<String> throttled = token("lakeside-cardio-staff", "demo-secret");

        assertThat(throttled.getStatusCode().value()).isEqualTo(429);
        assertThat(throttled.getHeaders().getContentType().toString()).startsWith("application/problem+json")
                .doesNotContainIgnoringCase("ISO-8859-1");
        assertThat(Long.parseLong(throttled.getHeaders().getFirst(HttpHeaders.RETRY_AFTER))).isBetween(1L, 60L);
        assertThat(json(throttled).get("status").asInt()).isEqualTo(429);
    }

    @Test
    void tenFailedAttemptsFromOneAddressThrottleEveryClientFromThere() {
        for (int i = 0; i < 10; i++) {
            assertThat(token("nobody-" + UUID.randomUUID(), "demo-secret").getStatusCode().value()).isEqualTo(401);
        }

        assertThat(token("northside-gp-staff", "demo-secret").getStatusCode().value()).isEqualTo(429);
    }

    @Test
    void aClientThatKnowsItsSecretIsNotThrottledAtAnEverydayRate() {
        for (int i = 0; i < 20; i++) {
            assertThat(token("riverside-derm-staff", "demo-secret").getStatusCode().value()).isEqualTo(200);
        }
    }

    @Test
    void anUnknownClientIdCostsTheSameSecretVerificationAsAWrongSecretAndReadsTheSame() {
        long before = secrets.verifications();
        ResponseEntity<String> unknown = token("nobody-" + UUID.randomUUID(), "demo-secret");
        long afterUnknown = secrets.verifications();
        ResponseEntity<String> wrong = token("northside-gp-staff", "not-the-secret");
        long afterWrong = secrets.verifications();

        assertThat(afterUnknown - before).as("hash verifications for an unknown client").isEqualTo(1);
        assertThat(afterWrong - afterUnknown).as("hash verifications for a wrong secret").isEqualTo(1);
        assertThat(unknown.getStatusCode()).isEqualTo(wrong.getStatusCode());
        assertThat(unknown.getBody()).isEqualTo(wrong.getBody());
    }

    @Test
    void aRevokedTokenIsRefusedOnApiAndFhirAtOnce() {
        String staff = accessToken("northside-gp-staff");
        String ehr = accessToken("northside-ehr");
        assertThat(get("/api/referrals?box=outbox", staff)).isEqualTo(200);
        assertThat(get("/fhir/ServiceRequest", ehr)).isEqualTo(200);

        assertThat(revoke("northside-gp-staff", staff)).isEqualTo(200);
        assertThat(revoke("northside-ehr", ehr)).isEqualTo(200);

        assertThat(get("/api/referrals?box=outbox", staff)).isEqualTo(401);
        assertThat(get("/fhir/ServiceRequest", ehr)).isEqualTo(401);
        assertThat(get("/api/referrals?box=outbox", accessToken("northside-gp-staff")))
                .as("a new token of the same client").isEqualTo(200);
    }

    @Test
    void aClientCannotRevokeAnotherClientsToken() {
        String staff = accessToken("northside-gp-staff");

        revoke("lakeside-cardio-staff", staff);

        assertThat(get("/api/referrals?box=outbox", staff)).isEqualTo(200);
    }

    @Test
    void aTokenRevokedThroughAnotherNodeIsRefusedWithinSeconds() {
        String staff = accessToken("northside-gp-staff");
        assertThat(get("/api/referrals?box=outbox", staff)).isEqualTo(200);
        String jti = claims(staff).get("jti").asString();

        // What another node's /oauth2/revoke writes: the shared table, not this node's memory.
        jdbc.update("INSERT INTO revoked_token (jti, expires_at) VALUES (?, ?)", jti,
                Timestamp.from(Instant.now().plus(Duration.ofHours(1))));

        Await.until(Duration.ofSeconds(5), () -> get("/api/referrals?box=outbox", staff) == 401,
                "the token revoked in PostgreSQL to be refused");
    }

    @Test
    void introspectionAnswersInactiveAboutAnotherClientsToken() {
        String gpToken = accessToken("northside-gp-staff");

        JsonNode byOwner = json(introspect("northside-gp-staff", gpToken));
        JsonNode byStranger = json(introspect("lakeside-cardio-staff", gpToken));
        JsonNode byAdmin = json(introspect("careloop-admin", gpToken));

        assertThat(byOwner.get("active").asBoolean()).isTrue();
        assertThat(byOwner.get("client_id").asString()).isEqualTo("northside-gp-staff");
        assertThat(byStranger.get("active").asBoolean()).isFalse();
        assertThat(byStranger.has("org")).isFalse();
        assertThat(byStranger.has("client_id")).isFalse();
        assertThat(byAdmin.get("active").asBoolean()).isTrue();
    }

    private ResponseEntity<String> token(String clientId, String secret) {
        return http.post().uri("/oauth2/token").header(HttpHeaders.AUTHORIZATION, basic(clientId, secret))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).body("grant_type=client_credentials")
                .retrieve().toEntity(String.class);
    }

    private String accessToken(String clientId) {
        return CareLoopClient.as(port, clientId).token();
    }

    private int revoke(String clientId, String token) {
        return http.post().uri("/oauth2/revoke").header(HttpHeaders.AUTHORIZATION, basic(clientId, "demo-secret"))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).body("token=" + token)
                .retrieve().toEntity(String.class).getStatusCode().value();
    }

    private ResponseEntity<String> introspect(String clientId, String token) {
        return http.post().uri("/oauth2/introspect").header(HttpHeaders.AUTHORIZATION, basic(clientId, "demo-secret"))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).body("token=" + token)
                .retrieve().toEntity(String.class);
    }

    private int get(String path, String token) {
        return http.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .retrieve().toEntity(String.class).getStatusCode().value();
    }

    private static String basic(String clientId, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(ResponseEntity<String> response) {
        return JSON.readTree(response.getBody());
    }

    private static JsonNode claims(String jwt) {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }
}

package dev.careloop.app.security;

import dev.careloop.app.Await;
import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopClient.Response;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import dev.careloop.fhir.inbound.R4Validator;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import static dev.careloop.app.fhir.FhirClients.assertValid;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Persons log in to the local issuer with the authorization code flow and PKCE (OpenID Connect), through a real
 * HTTP client against the running app, and what they do is recorded under their name: in the referral's timeline,
 * in the audit trail (and its CSV), and in the FHIR Provenance of the change.
 */
@CareLoopIntegrationTest
class PersonLoginTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOM = "Dr Tom Okafor, general practitioner at Northside";

    @LocalServerPort
    int port;
    @Autowired
    TokenThrottle throttle;
    @Autowired
    R4Validator validator;

    @BeforeEach
    @AfterEach
    void forgetTheFailures() {
        // Logins fail here on purpose from 127.0.0.1: the other tests of this context must still get tokens.
        throttle.forget();
    }

    @Test
    void aPersonLogsInWithCodeAndPkceAndCallsTheApiWithTheirOwnToken() {
        JsonNode tokens = new PersonLogin(port).logIn("tom.okafor");

        JsonNode access = claims(tokens.get("access_token").asString());
        assertThat(access.get("sub").asString()).isEqualTo("tom.okafor");
        assertThat(access.get("name").asString()).isEqualTo("Dr Tom Okafor");
        assertThat(access.get("title").asString()).isEqualTo("general practitioner at Northside");
        assertThat(access.get("org").asString()).isEqualTo("northside-gp");
        assertThat(access.get("roles").get(0).asString()).isEqualTo("clinician");
        assertThat(access.get("client_id").asString()).isEqualTo("careloop-web");
        assertThat(claims(tokens.get("id_token").asString()).get("name").asString()).isEqualTo("Dr Tom Okafor");

        CareLoopClient tom = CareLoopClient.withToken(port, tokens.get("access_token").asString());
        assertThat(tom.get("/api/referrals?box=outbox").status()).isEqualTo(200);
        Response userInfo = tom.get("/userinfo");
        assertThat(userInfo.status()).as(userInfo.body()).isEqualTo(200);
        assertThat(userInfo.json().get("name").asString()).isEqualTo("Dr Tom Okafor");
    }

    /**
     * The web app authenticates as a confidential client (the local profile's careloop.web.client-secret): it gets
     * a refresh token, which renews the person's access token after the 30 minutes, so a form posted then is not
     * lost to a login redirect. The refresh token rotates; a public client (Swagger UI) gets none.
     */
    @Test
    void theWebAppGetsARefreshTokenThatRenewsThePersonsAccessTokenButAPublicClientDoesNot() {
        assertThat(new PersonLogin(port).logIn("ben.carter").has("refresh_token"))
                .as("a public client is given no refresh token").isFalse();

        PersonLogin browser = new PersonLogin(port);
        HttpResponse<String> issued = browser.tokenWithSecret(java.util.Map.of("grant_type", "authorization_code",
                "code", browser.code("priya.shah"), "redirect_uri", browser.redirectUri,
                "code_verifier", browser.verifier), "demo-web-secret");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        String refreshToken = JSON.readTree(issued.body()).get("refresh_token").asString();

        HttpResponse<String> renewed = browser.tokenWithSecret(java.util.Map.of("grant_type", "refresh_token",
                "refresh_token", refreshToken), "demo-web-secret");
        assertThat(renewed.statusCode()).as(renewed.body()).isEqualTo(200);
        JsonNode tokens = JSON.readTree(renewed.body());
        JsonNode access = claims(tokens.get("access_token").asString());
        assertThat(access.get("sub").asString()).isEqualTo("priya.shah");
        assertThat(access.get("name").asString()).isEqualTo("Dr Priya Shah");
        assertThat(access.get("org").asString()).isEqualTo("riverside-derm");
        assertThat(CareLoopClient.withToken(port, tokens.get("access_token").asString())
                .get("/api/referrals?box=inbox").status()).isEqualTo(200);
        assertThat(tokens.get("refresh_token").asString()).as("rotated").isNotEqualTo(refreshToken);

        HttpResponse<String> reused = browser.tokenWithSecret(java.util.Map.of("grant_type", "refresh_token",
                "refresh_token", refreshToken), "demo-web-secret");
        assertThat(reused.statusCode()).as("a rotated-out refresh token renews nothing").isEqualTo(400);
        HttpResponse<String> wrongSecret = browser.tokenWithSecret(java.util.Map.of("grant_type", "refresh_token",
                "refresh_token", tokens.get("refresh_token").asString()), "not-the-secret");
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
    }

    @Test
    void withoutPkceTheIssuerGivesNoCodeAndAWrongVerifierGetsNoToken() {
        PersonLogin browser = new PersonLogin(port);
        browser.logIn("priya.shah");

        String refused = PersonLogin.location(browser.authorize(false));
        assertThat(PersonLogin.parameter(refused, "error")).isEqualTo("invalid_request");
        assertThat(PersonLogin.parameter(refused, "code")).isNull();

        String withCode = PersonLogin.location(browser.authorize(true));
        String code = PersonLogin.parameter(withCode, "code");
        assertThat(code).isNotNull();
        HttpResponse<String> wrongVerifier = browser.token(code, new PersonLogin(port).verifier);
        assertThat(wrongVerifier.statusCode()).isEqualTo(400);
        assertThat(wrongVerifier.body()).contains("invalid_grant").doesNotContain("access_token");
    }

    @Test
    void aWrongPasswordIsRefusedAndTenOfThemMakeEvenTheRightOneWait() {
        PersonLogin browser = new PersonLogin(port);
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> wrong = browser.login("ben.carter", "guess-" + i);
            assertThat(PersonLogin.location(wrong)).endsWith("/login?error");
        }

        HttpResponse<String> throttled = browser.login("ben.carter", PersonLogin.PASSWORD);

        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        assertThat(throttled.body()).contains("too many attempts to log in");
        throttle.forget();
        assertThat(PersonLogin.location(browser.login("ben.carter", PersonLogin.PASSWORD)))
                .doesNotContain("error");
    }

    @Test
    void aPersonsWriteIsNamedInTheTimelineTheAuditTrailAndProvenance() {
        Instant before = Instant.now().minusSeconds(1);
        CareLoopClient tom = CareLoopClient.withToken(port,
                new PersonLogin(port).logIn("tom.okafor").get("access_token").asString());
        Response sent = tom.post("/api/referrals", CareLoopClient.referralTo("riverside-derm",
                "MRN-" + UUID.randomUUID()));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        String id = sent.json().get("referralId").asString();

        JsonNode[] timeline = new JsonNode[1];
        Await.until(Duration.ofSeconds(10), () -> {
            timeline[0] = tom.get("/api/referrals/" + id + "/timeline").json();
            return timeline[0].isArray() && !timeline[0].isEmpty();
        }, "the timeline to show the referral");
        JsonNode first = timeline[0].get(0);
        assertThat(first.get("user").asString()).isEqualTo("tom.okafor");
        assertThat(first.get("userName").asString()).isEqualTo(TOM);
        assertThat(first.get("actedBy").asString()).isEqualTo(TOM);
        assertThat(first.get("client").asString()).isEqualTo("careloop-web");

        CareLoopClient officer = DemoClinics.at(port).client("northside-gp-compliance");
        JsonNode[] found = new JsonNode[1];
        Await.until(Duration.ofSeconds(10), () -> {
            found[0] = officer.get("/api/audit?referral=" + id).json();
            return found[0].path("totalItems").asLong() >= 1;
        }, "the audit trail to hold the referral");
        JsonNode entry = found[0].get("items").get(0);
        assertThat(entry.get("userName").asString()).isEqualTo(TOM);
        assertThat(entry.get("actedBy").asString()).isEqualTo(TOM);
        Response csv = officer.get("/api/audit/export?format=csv&from=" + before + "&to="
                + Instant.now().plusSeconds(5));
        assertThat(csv.status()).as(csv.body()).isEqualTo(200);
        assertThat(csv.body().split("\r\n")[0]).contains("\"userName\"");
        assertThat(csv.body()).contains("\"tom.okafor\",\"" + TOM + "\",\"northside-gp\"");

        Response provenance = DemoClinics.at(port).gp().get("/fhir/Provenance/" + id + "-1");
        assertThat(provenance.status()).as(provenance.body()).isEqualTo(200);
        Provenance resource = ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser()
                .parseResource(Provenance.class, provenance.body());
        assertValid(validator, resource);
        Provenance.ProvenanceAgentComponent agent = resource.getAgentFirstRep();
        assertThat(agent.getWho().getType()).isEqualTo("Practitioner");
        assertThat(agent.getWho().getDisplay()).isEqualTo(TOM);
        assertThat(agent.getWho().getIdentifier().getValue()).isEqualTo("tom.okafor");
        assertThat(agent.getOnBehalfOf().getReference()).isEqualTo("Organization/northside-gp");
    }

    @Test
    void aServiceAccountsWriteStillNamesTheClient() {
        CareLoopClient staff = DemoClinics.at(port).gp();
        Response sent = staff.post("/api/referrals", CareLoopClient.referralTo("riverside-derm",
                "MRN-" + UUID.randomUUID()));
        String id = sent.json().get("referralId").asString();
        JsonNode[] timeline = new JsonNode[1];
        Await.until(Duration.ofSeconds(10), () -> {
            timeline[0] = staff.get("/api/referrals/" + id + "/timeline").json();
            return timeline[0].isArray() && !timeline[0].isEmpty();
        }, "the timeline to show the referral");
        JsonNode first = timeline[0].get(0);
        assertThat(first.has("userName")).isFalse();
        assertThat(first.get("actedBy").asString()).isEqualTo("northside-gp-staff");
    }

    private static JsonNode claims(String jwt) {
        return JSON.readTree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }
}

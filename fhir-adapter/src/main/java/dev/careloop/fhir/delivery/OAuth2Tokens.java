package dev.careloop.fhir.delivery;

import dev.careloop.fhir.partner.PartnerAuth;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OAuth2 client-credentials tokens for partners (RFC 6749, 4.4; client authentication by HTTP Basic), each
 * kept until shortly before it expires. Small on purpose: one grant, no refresh tokens, no redirects.
 */
@Component
class OAuth2Tokens {

    /** A token is replaced this long before its expiry, so that it does not expire on the way. */
    private static final Duration EARLY = Duration.ofSeconds(30);
    /** For a token response without expires_in. */
    private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    private record Key(String tokenUrl, String clientId, String scope) {
    }

    private record Token(String value, Instant renewAt) {
    }

    private final Map<Key, Token> cache = new ConcurrentHashMap<>();
    private final JsonMapper json = JsonMapper.builder().build();
    private final DeliverySettings settings;
    private final Clock clock = Clock.systemUTC();

    OAuth2Tokens(DeliverySettings settings) {
        this.settings = settings;
    }

    String accessToken(PartnerAuth auth, HttpClient http) {
        Key key = key(auth);
        Token cached = cache.get(key);
        if (cached != null && clock.instant().isBefore(cached.renewAt())) {
            return cached.value();
        }
        Token fresh = request(auth, http);
        cache.put(key, fresh);
        return fresh.value();
    }

    void forget(PartnerAuth auth) {
        cache.remove(key(auth));
    }

    private Token request(PartnerAuth auth, HttpClient http) {
        String form = "grant_type=client_credentials"
                + (auth.scope() == null || auth.scope().isBlank() ? "" : "&scope=" + encode(auth.scope()));
        String basic = Base64.getEncoder().encodeToString(
                (encode(auth.clientId()) + ":" + encode(auth.clientSecret())).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(auth.tokenUrl()))
                .timeout(settings.readTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw DeliveryFailure.noAnswer("token endpoint " + auth.tokenUrl(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryFailure.noAnswer("token endpoint " + auth.tokenUrl(), e);
        }
        if (response.statusCode() != 200) {
            throw DeliveryFailure.ofStatus("token endpoint " + auth.tokenUrl(), response.statusCode(),
                    RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), clock),
                    response.body());
        }
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (RuntimeException e) {
            throw new DeliveryFailure("token endpoint " + auth.tokenUrl() + " answered no JSON", true, 200, null, e);
        }
        String token = body.path("access_token").asString(null);
        if (token == null || token.isBlank()) {
            throw new DeliveryFailure("token endpoint " + auth.tokenUrl() + " answered no access_token", true, 200,
                    null, null);
        }
        Duration lifetime = body.has("expires_in") ? Duration.ofSeconds(body.path("expires_in").asLong())
                : DEFAULT_LIFETIME;
        Duration keep = lifetime.compareTo(EARLY.multipliedBy(2)) > 0 ? lifetime.minus(EARLY) : lifetime.dividedBy(2);
        return new Token(token, clock.instant().plus(keep));
    }

    private static Key key(PartnerAuth auth) {
        return new Key(auth.tokenUrl(), auth.clientId(), auth.scope());
    }

    /** RFC 6749, 2.3.1: client id and secret are form-encoded before Basic encoding. */
    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

package dev.careloop.fhir.delivery;

import dev.careloop.fhir.partner.Partner;
import dev.careloop.fhir.partner.PartnerAuth;
import dev.careloop.fhir.partner.PartnerUrls;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * One HTTP POST of a FHIR Bundle to a partner, with its credentials and our timeouts; anything but a 2xx
 * becomes a {@link DeliveryFailure} that says whether trying again can help.
 */
@Component
class PartnerClient {

    static final String FHIR_JSON = "application/fhir+json";

    private final HttpClient http;
    private final DeliverySettings settings;
    private final OAuth2Tokens tokens;
    private final PartnerUrls urls;
    private final Clock clock;

    PartnerClient(DeliverySettings settings, OAuth2Tokens tokens, PartnerUrls urls) {
        this.settings = settings;
        this.tokens = tokens;
        this.urls = urls;
        this.clock = Clock.systemUTC();
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                // HTTP/1.1 only: the JDK's default (HTTP/2) sends "Upgrade: h2c" on plain http, which some servers refuse.
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** POSTs {@code bundleJson} to the partner's base URL; returns normally only on a 2xx. */
    void post(Partner partner, String bundleJson) {
        // Again at each request: the name may resolve elsewhere now than when the partner was registered.
        urls.refusal(partner.baseUrl()).ifPresent(why -> {
            throw DeliveryFailure.addressRefused(null, why);
        });
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(partner.baseUrl()))
                .timeout(settings.readTimeout())
                .header("Content-Type", FHIR_JSON + "; charset=UTF-8")
                .header("Accept", FHIR_JSON)
                .POST(HttpRequest.BodyPublishers.ofString(bundleJson, StandardCharsets.UTF_8));
        String authorization = authorization(partner.auth());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<Void> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw DeliveryFailure.noAnswer(null, DeliveryFailure.hostOf(partner.baseUrl()), e, settings);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryFailure.noAnswer(null, e, settings);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        if (status == 401 && partner.auth().type() == PartnerAuth.Type.OAUTH2) {
            // Our token may have been revoked or expired early: the next try gets a new one.
            tokens.forget(partner.auth());
            throw new DeliveryFailure("HTTP 401: our access token was refused", true, status, null, null);
        }
        // The partner's body is its own to log: nothing of it is kept here (it could be anything, secrets too).
        throw DeliveryFailure.ofStatus(null, status,
                RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), clock));
    }

    private String authorization(PartnerAuth auth) {
        return switch (auth.type()) {
            case NONE -> null;
            case BEARER -> "Bearer " + auth.token();
            case OAUTH2 -> "Bearer " + tokens.accessToken(auth, http);
        };
    }
}

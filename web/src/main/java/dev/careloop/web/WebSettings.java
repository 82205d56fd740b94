package dev.careloop.web;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How the web app finds its identity provider and the REST API ({@code careloop.web.*}).
 *
 * @param issuerUri     the OpenID Connect issuer persons log in with; empty: this process's own local issuer
 * @param clientId      the web app's client at that issuer (a public client with PKCE unless a secret is set)
 * @param clientSecret  set for a confidential client (a real deployment's usual choice)
 * @param scopes        the scopes asked for at login
 * @param apiBaseUrl    where the REST API answers; empty: this process, on its own port over loopback
 * @param publicHost    the host persons browse to; requests to another loopback name are redirected there,
 *                      because the local issuer accepts redirect URIs on 127.0.0.1 only
 * @param apiTimeout    how long a page waits for the API before saying so
 */
@ConfigurationProperties("careloop.web")
public record WebSettings(URI issuerUri, String clientId, String clientSecret, List<String> scopes, URI apiBaseUrl,
                          String publicHost, Duration apiTimeout) {

    public WebSettings {
        clientId = clientId == null || clientId.isBlank() ? "careloop-web" : clientId;
        clientSecret = clientSecret == null || clientSecret.isBlank() ? null : clientSecret;
        scopes = scopes == null || scopes.isEmpty() ? List.of("openid", "profile") : List.copyOf(scopes);
        publicHost = publicHost == null || publicHost.isBlank() ? "127.0.0.1" : publicHost;
        apiTimeout = apiTimeout == null ? Duration.ofSeconds(20) : apiTimeout;
    }

    boolean localIssuer() {
        return issuerUri == null || issuerUri.toString().isBlank();
    }
}

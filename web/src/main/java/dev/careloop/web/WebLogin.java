package dev.careloop.web;

import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * The web app's one client registration ({@value #REGISTRATION}). Built on first use, not at start: the local issuer
 * is this very process, which does not answer before it has started, and a real issuer's discovery document should
 * not make the platform's start depend on the identity provider being up.
 */
@Component
class WebLogin implements ClientRegistrationRepository {

    static final String REGISTRATION = "careloop";
    static final String CALLBACK = "/login/oauth2/code/" + REGISTRATION;

    private final WebSettings settings;
    private final Environment environment;
    private volatile ClientRegistration registration;

    WebLogin(WebSettings settings, Environment environment) {
        this.settings = settings;
        this.environment = environment;
    }

    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        return REGISTRATION.equals(registrationId) ? registration() : null;
    }

    ClientRegistration registration() {
        ClientRegistration built = registration;
        if (built == null) {
            synchronized (this) {
                if (registration == null) {
                    registration = settings.localIssuer() ? local() : discovered();
                }
                built = registration;
            }
        }
        return built;
    }

    /**
     * The process's own issuer (the local profile), at the loopback address its redirect URIs name. With a secret
     * (the local profile sets one) the web app is a confidential client, the only kind the issuer gives a refresh
     * token: a page posted after the access token expired is then sent with a renewed token instead of through the
     * login, which would lose the form. PKCE stays on either way.
     */
    private ClientRegistration local() {
        String issuer = "http://" + settings.publicHost() + ":" + ownPort();
        ClientRegistration.Builder builder = ClientRegistration.withRegistrationId(REGISTRATION)
                .clientId(settings.clientId());
        if (settings.clientSecret() == null) {
            builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
        } else {
            builder.clientSecret(settings.clientSecret())
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .clientSettings(ClientRegistration.ClientSettings.builder().requireProofKey(true).build());
        }
        return builder
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}" + CALLBACK)
                .scope(settings.scopes())
                .authorizationUri(issuer + "/oauth2/authorize")
                .tokenUri(issuer + "/oauth2/token")
                .jwkSetUri(issuer + "/oauth2/jwks")
                .userInfoUri(issuer + "/userinfo")
                .userNameAttributeName(IdTokenClaimNames.SUB)
                .issuerUri(issuer)
                .providerConfigurationMetadata(Map.of("end_session_endpoint", issuer + "/connect/logout"))
                .clientName("CareLoop")
                .build();
    }

    private ClientRegistration discovered() {
        ClientRegistration.Builder builder = ClientRegistrations.fromIssuerLocation(settings.issuerUri().toString())
                .registrationId(REGISTRATION)
                .clientId(settings.clientId())
                .redirectUri("{baseUrl}" + CALLBACK)
                .scope(settings.scopes())
                .clientName("CareLoop");
        if (settings.clientSecret() == null) {
            builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
        } else {
            builder.clientSecret(settings.clientSecret())
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
        }
        return builder.build();
    }

    int ownPort() {
        String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
        return Integer.parseInt(port);
    }
}

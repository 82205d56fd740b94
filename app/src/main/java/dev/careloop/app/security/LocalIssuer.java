package dev.careloop.app.security;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The local OAuth2 / OpenID Connect issuer (Spring Authorization Server) of the {@code local} profile, with keys
 * made at start-up: client-credentials tokens for the demo service clients, and for the demo persons
 * ({@link DemoPersons}) the authorization code flow with PKCE through the public client {@code careloop-web}
 * (the web app and Swagger UI), after a login form. Every access token carries the organisation and roles; a
 * person's also {@code sub}, {@code name} and {@code title}, and their ID token the name. In production CareLoop
 * trusts any issuer named by CARELOOP_ISSUER_URI instead.
 */
@Configuration(proxyBeanMethods = false)
@Profile("local")
@EnableConfigurationProperties({DemoPersons.class, LocalIssuer.WebClient.class})
class LocalIssuer {

    static final String ORG_SETTING = "careloop.org";
    static final String ROLES_SETTING = "careloop.roles";
    /** The public client of the web app and of Swagger UI's Authorize: authorization code with PKCE, no secret. */
    static final String WEB_CLIENT = "careloop-web";

    /**
     * The public client's redirect and post-logout URIs (careloop.security.web-client.*). Spring Authorization
     * Server refuses {@code localhost} in a redirect URI and lets a loopback address (127.0.0.1) use any port.
     */
    @ConfigurationProperties("careloop.security.web-client")
    record WebClient(List<String> redirectUris, List<String> postLogoutRedirectUris, Duration accessTokenTtl) {
        WebClient {
            redirectUris = redirectUris == null ? List.of() : List.copyOf(redirectUris);
            postLogoutRedirectUris = postLogoutRedirectUris == null ? List.of() : List.copyOf(postLogoutRedirectUris);
            accessTokenTtl = accessTokenTtl == null ? Duration.ofMinutes(30) : accessTokenTtl;
        }
    }

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServer(HttpSecurity http, RegisteredClientRepository clients,
                                            ClientSecrets secrets, TokenThrottle throttle) throws Exception {
        http.securityMatcher("/oauth2/**", "/.well-known/**", "/userinfo", "/connect/**", "/login", "/logout",
                        "/default-ui.css")
                .oauth2AuthorizationServer(server -> server
                        .clientAuthentication(c -> c.authenticationProviders(
                                providers -> providers.add(0, secrets.unknownClients(clients))))
                        .tokenIntrospectionEndpoint(e -> e.authenticationProviders(providers -> providers.replaceAll(
                                p -> p instanceof OAuth2TokenIntrospectionAuthenticationProvider
                                        ? IssuedTokens.ownTokensOnly(p) : p)))
                        .oidc(Customizer.withDefaults()))
                .addFilterBefore(throttle.filter(), AbstractPreAuthenticatedProcessingFilter.class)
                // A person who asks for a code and has no session yet is sent to the login form, then back.
                .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint(
                        "/login"), PathPatternRequestMatcher.withDefaults().matcher("/oauth2/authorize")))
                .formLogin(Customizer.withDefaults())
                // /userinfo answers for the bearer of an access token; nowhere else here does a bearer token count
                // (an API token must not stand in for a person's login at /oauth2/authorize).
                .oauth2ResourceServer(o -> o.jwt(Customizer.withDefaults()).bearerTokenResolver(userInfoOnly()))
                // SMART's discovery document (the FHIR facade's) is open, as the issuer's own metadata is.
                .authorizeHttpRequests(a -> a.requestMatchers("/login", "/default-ui.css",
                                "/.well-known/smart-configuration").permitAll()
                        .anyRequest().authenticated());
        return http.build();
    }

    private static BearerTokenResolver userInfoOnly() {
        DefaultBearerTokenResolver bearer = new DefaultBearerTokenResolver();
        return request -> "/userinfo".equals(request.getRequestURI().substring(request.getContextPath().length()))
                ? bearer.resolve(request) : null;
    }

    /** The persons' logins (form login); their passwords checked by the same encoder as the client secrets. */
    @Bean
    UserDetailsService demoPersonLogins(DemoPersons persons) {
        return persons.users();
    }

    /** The client secrets' encoder, which client authentication also uses (Spring picks the bean up). */
    @Bean
    ClientSecrets clientSecrets() {
        return new ClientSecrets();
    }

    @Bean
    TokenThrottle tokenThrottle(
            @Value("${careloop.security.token-throttle.failures-per-minute:10}") int failuresPerMinute,
            @Value("${careloop.security.token-throttle.successes-per-minute:600}") int successesPerMinute) {
        return new TokenThrottle(failuresPerMinute, successesPerMinute, Clock.systemUTC());
    }

    /** The tokens issued, in memory; revocations also go to PostgreSQL for every node's resource server. */
    @Bean
    OAuth2AuthorizationService issuedTokens(RevokedTokens revoked) {
        return new IssuedTokens(new InMemoryOAuth2AuthorizationService(), revoked);
    }

    /**
     * The service clients, and {@code careloop-web}: public with PKCE for Swagger UI's Authorize, and also
     * confidential (client_secret_basic, {@code careloop.web.client-secret}) for the web app, which alone then gets a
     * refresh token (Spring Authorization Server gives none to a public client) so that a person's page outlives
     * one access token. Refresh tokens rotate and last a working day; the page session's idle timeout ends them
     * sooner in practice.
     */
    @Bean
    RegisteredClientRepository demoClients(ClientSecrets encoder, WebClient web,
                                           @Value("${careloop.web.client-secret:}") String webSecret) {
        List<RegisteredClient> clients = new ArrayList<>(DemoClients.all().stream()
                .map(c -> RegisteredClient.withId(UUID.nameUUIDFromBytes(c.clientId().getBytes()).toString())
                        .clientId(c.clientId())
                        .clientSecret(encoder.encode(DemoClients.SECRET))
                        .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                        .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                        .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                        .scopes(s -> s.addAll(c.scopes()))
                        .clientSettings(ClientSettings.builder()
                                .setting(ORG_SETTING, c.organisation())
                                .setting(ROLES_SETTING, List.copyOf(c.roles()))
                                .build())
                        .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(Duration.ofHours(1)).build())
                        .build())
                .toList());
        RegisteredClient.Builder webClient = RegisteredClient.withId(
                        UUID.nameUUIDFromBytes(WEB_CLIENT.getBytes()).toString())
                .clientId(WEB_CLIENT)
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
        if (webSecret != null && !webSecret.isBlank()) {
            webClient.clientSecret(encoder.encode(webSecret))
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN);
        }
        clients.add(webClient
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUris(uris -> uris.addAll(web.redirectUris()))
                .postLogoutRedirectUris(uris -> uris.addAll(web.postLogoutRedirectUris()))
                .scope(OidcScopes.OPENID)
                .scope(OidcScopes.PROFILE)
                .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false)
                        .build())
                .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(web.accessTokenTtl())
                        .refreshTokenTimeToLive(Duration.ofHours(8)).reuseRefreshTokens(false).build())
                .build());
        return new InMemoryRegisteredClientRepository(clients);
    }

    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> organisationAndRoleClaims(DemoPersons persons, ClaimNames names) {
        return context -> {
            DemoPersons.Person person = AuthorizationGrantType.CLIENT_CREDENTIALS.equals(
                    context.getAuthorizationGrantType()) || context.getPrincipal() == null ? null
                    : persons.find(context.getPrincipal().getName()).orElse(null);
            if (person != null && OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
                personClaims(context, person, names);
                // The web app shows each person the pages of their roles.
                context.getClaims().claim(names.roles(), person.roles());
                return;
            }
            if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                return;
            }
            if (person != null) {
                // The same claims the API reads from a service client's token, from the person's own record.
                personClaims(context, person, names);
                context.getClaims().claim(names.roles(), person.roles());
                context.getClaims().claim("client_id", context.getRegisteredClient().getClientId());
                return;
            }
            ClientSettings settings = context.getRegisteredClient().getClientSettings();
            String org = settings.getSetting(ORG_SETTING);
            List<String> roles = settings.getSetting(ROLES_SETTING);
            if (org != null) {
                context.getClaims().claim(names.organisation(), org);
            }
            context.getClaims().claim(names.roles(), roles == null ? List.of() : roles);
            // RFC 9068: the client the token was issued to, which every event records as the acting client.
            context.getClaims().claim("client_id", context.getRegisteredClient().getClientId());
            // A client that asks for no scope gets the ones it is registered with (RFC 6749 3.3: a pre-defined
            // default), so a partner's plain client-credentials request works with the facade.
            Set<String> registered = context.getRegisteredClient().getScopes();
            if (context.getAuthorizedScopes().isEmpty() && !registered.isEmpty()) {
                context.getClaims().claim("scope", List.copyOf(new java.util.TreeSet<>(registered)));
            }
        };
    }

    private static void personClaims(JwtEncodingContext context, DemoPersons.Person person, ClaimNames names) {
        context.getClaims().claim(names.organisation(), person.organisation());
        context.getClaims().claim(names.name(), person.name());
        if (person.title() != null) {
            context.getClaims().claim(names.title(), person.title());
        }
    }

    /**
     * The signing key: made at start-up, or {@code careloop.local-issuer-key} (CARELOOP_LOCAL_ISSUER_KEY, a base64
     * PKCS#8 RSA private key) so that several nodes behind one load balancer accept each other's tokens
     * (docs/OPERATIONS.md).
     */
    @Bean
    JWKSource<SecurityContext> jwkSource(@Value("${careloop.local-issuer-key:}") String configured)
            throws java.security.GeneralSecurityException {
        RSAKey key;
        if (configured == null || configured.isBlank()) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            key = new RSAKey.Builder((RSAPublicKey) pair.getPublic())
                    .privateKey((RSAPrivateKey) pair.getPrivate())
                    .keyID(UUID.randomUUID().toString())
                    .build();
        } else {
            java.security.KeyFactory rsa = java.security.KeyFactory.getInstance("RSA");
            var privateKey = (java.security.interfaces.RSAPrivateCrtKey) rsa.generatePrivate(
                    new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getMimeDecoder().decode(configured.trim())));
            var publicKey = (RSAPublicKey) rsa.generatePublic(new java.security.spec.RSAPublicKeySpec(
                    privateKey.getModulus(), privateKey.getPublicExponent()));
            // The same key id on every node that shares the key.
            key = new RSAKey.Builder(publicKey).privateKey(privateKey)
                    .keyID(UUID.nameUUIDFromBytes(publicKey.getEncoded()).toString())
                    .build();
        }
        return new ImmutableJWKSet<>(new JWKSet(key));
    }

    /** The resource server checks local tokens against the same keys, without an HTTP round trip. */
    @Bean
    JwtDecoder jwtDecoder(JWKSource<SecurityContext> jwkSource) {
        return OAuth2AuthorizationServerConfiguration.jwtDecoder(jwkSource);
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings() {
        return AuthorizationServerSettings.builder().build();
    }

    /** The demo organisations' clients; the secret is for the local profile only. */
    static final class DemoClients {
        static final String SECRET = "demo-secret";

        record Client(String clientId, String organisation, Set<String> roles, Set<String> scopes) {
        }

        static List<Client> all() {
            List<Client> clients = new java.util.ArrayList<>();
            for (String org : DemoOrganisations.IDS) {
                clients.add(new Client(org + "-staff", org, Set.of("clinician", "coordinator"), Set.of()));
                clients.add(new Client(org + "-compliance", org, Set.of("compliance"), Set.of()));
                // One role each, for trying the access table (docs/ACCESS.md) role by role.
                clients.add(new Client(org + "-clinician", org, Set.of("clinician"), Set.of()));
                clients.add(new Client(org + "-coordinator", org, Set.of("coordinator"), Set.of()));
            }
            clients.add(new Client("careloop-admin", "careloop", Set.of("admin"), Set.of()));
            // The platform's own compliance officer: org "careloop" reads the whole audit trail.
            clients.add(new Client("careloop-compliance", "careloop", Set.of("compliance"), Set.of()));
            // Monitoring: scrapes /actuator/prometheus (scope "metrics") and nothing else.
            clients.add(new Client("careloop-metrics", "careloop", Set.of(), Set.of("metrics")));
            // Partner EHRs on the FHIR facade: SMART system scopes per resource type, no roles of their own.
            clients.add(new Client("riverside-ehr", "riverside-derm", Set.of(),
                    Set.of("system/ServiceRequest.read", "system/ServiceRequest.write", "system/Task.read",
                            "system/Task.write", "system/Appointment.read", "system/Appointment.write",
                            "system/DocumentReference.read", "system/Communication.read",
                            "system/Communication.write", "system/Patient.read", "system/Practitioner.read",
                            "system/PractitionerRole.read", "system/Subscription.read", "system/Subscription.write")));
            // A partner that follows referrals and books appointments: no DocumentReference or Consent scope.
            clients.add(new Client("lakeside-ehr", "lakeside-cardio", Set.of(),
                    Set.of("system/ServiceRequest.read", "system/Task.read", "system/Appointment.read",
                            "system/Appointment.write")));
            clients.add(new Client("northside-ehr", "northside-gp", Set.of(),
                    Set.of("system/ServiceRequest.read", "system/ServiceRequest.write", "system/Task.read",
                            "system/Task.write", "system/Appointment.read", "system/DocumentReference.read",
                            "system/Consent.read", "system/Communication.read", "system/Communication.write",
                            "system/Provenance.read",
                            "system/Patient.read", "system/Practitioner.read", "system/PractitionerRole.read",
                            "system/Subscription.read", "system/Subscription.write")));
            return clients;
        }
    }
}

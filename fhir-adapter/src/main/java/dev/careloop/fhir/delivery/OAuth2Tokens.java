package dev.careloop.fhir.delivery;

import dev.careloop.fhir.partner.PartnerAuth;
import dev.careloop.fhir.partner.PartnerUrls;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OAuth2 client-credentials tokens for partners, by Spring Security's OAuth2 client: one registration per
 * partner credential (client authentication by HTTP Basic), tokens kept by its authorized-client service and
 * renewed by its provider shortly before they expire.
 */
@Component
class OAuth2Tokens {

    private static final String PRINCIPAL = "careloop";
    private static final String TOKEN_ENDPOINT = "token endpoint";

    private final Map<String, ClientRegistration> registrations = new ConcurrentHashMap<>();
    private final InMemoryOAuth2AuthorizedClientService authorized;
    private final AuthorizedClientServiceOAuth2AuthorizedClientManager manager;
    private final DeliverySettings settings;
    private final PartnerUrls urls;

    OAuth2Tokens(DeliverySettings settings, PartnerUrls urls) {
        this.settings = settings;
        this.urls = urls;
        this.authorized = new InMemoryOAuth2AuthorizedClientService(registrations::get);
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build());
        requests.setReadTimeout(settings.readTimeout());
        RestClientClientCredentialsTokenResponseClient tokenClient = new RestClientClientCredentialsTokenResponseClient();
        tokenClient.setRestClient(RestClient.builder().requestFactory(requests)
                // As Spring Security's own client does: a general JSON converter would claim the token response first.
                .messageConverters(converters -> {
                    converters.clear();
                    converters.add(new FormHttpMessageConverter());
                    converters.add(new OAuth2AccessTokenResponseHttpMessageConverter());
                })
                .defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
                .build());
        this.manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations::get, authorized);
        manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
                .clientCredentials(grant -> grant.accessTokenResponseClient(tokenClient))
                .build());
    }

    String accessToken(PartnerAuth auth, HttpClient ignored) {
        urls.refusal(auth.tokenUrl()).ifPresent(why -> {
            throw DeliveryFailure.addressRefused(TOKEN_ENDPOINT, why);
        });
        String id = registration(auth);
        try {
            OAuth2AuthorizedClient client = manager.authorize(OAuth2AuthorizeRequest.withClientRegistrationId(id)
                    .principal(PRINCIPAL).build());
            if (client == null) {
                throw new DeliveryFailure(TOKEN_ENDPOINT + ": gave no token", true, 0, null, null);
            }
            return client.getAccessToken().getTokenValue();
        } catch (DeliveryFailure e) {
            throw e;
        } catch (RuntimeException e) {
            // Unreachable, refused or answered nonsense: the change waits and is tried again.
            throw DeliveryFailure.noAnswer(TOKEN_ENDPOINT, DeliveryFailure.hostOf(auth.tokenUrl()), e, settings);
        }
    }

    /** After a 401 from the partner: the next request fetches a new token. */
    void forget(PartnerAuth auth) {
        authorized.removeAuthorizedClient(registration(auth), PRINCIPAL);
    }

    private String registration(PartnerAuth auth) {
        String id = id(auth);
        registrations.computeIfAbsent(id, key -> {
            ClientRegistration.Builder builder = ClientRegistration.withRegistrationId(key)
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .tokenUri(auth.tokenUrl()).clientId(auth.clientId()).clientSecret(auth.clientSecret());
            if (auth.scope() != null && !auth.scope().isBlank()) {
                builder.scope(auth.scope().trim().split("\\s+"));
            }
            return builder.build();
        });
        return id;
    }

    /** One registration per credential; the id reveals nothing of the secret. */
    private static String id(PartnerAuth auth) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : new String[]{auth.tokenUrl(), auth.clientId(), auth.clientSecret(), auth.scope()}) {
                digest.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return "partner-" + HexFormat.of().formatHex(digest.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

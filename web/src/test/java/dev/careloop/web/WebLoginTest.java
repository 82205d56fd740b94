package dev.careloop.web;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web app's registration at the local issuer: with a secret it is the confidential client the issuer gives a
 * refresh token to (so an expired access token is renewed rather than losing a posted form), and it keeps PKCE.
 */
class WebLoginTest {

    @Test
    void withASecretTheLocalRegistrationAuthenticatesTheClientAndKeepsPkce() {
        ClientRegistration registration = login("demo-web-secret").registration();

        assertThat(registration.getClientAuthenticationMethod()).isEqualTo(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
        assertThat(registration.getClientSecret()).isEqualTo("demo-web-secret");
        assertThat(registration.getClientSettings().isRequireProofKey()).isTrue();
        assertThat(registration.getProviderDetails().getTokenUri()).isEqualTo("http://127.0.0.1:8181/oauth2/token");
    }

    @Test
    void withoutASecretTheLocalRegistrationIsAPublicClient() {
        ClientRegistration registration = login(null).registration();

        assertThat(registration.getClientAuthenticationMethod()).isEqualTo(ClientAuthenticationMethod.NONE);
        assertThat(registration.getClientSecret()).isEmpty();
    }

    private static WebLogin login(String secret) {
        WebSettings settings = new WebSettings(null, null, secret, null, null, null, null);
        return new WebLogin(settings, new MockEnvironment().withProperty("local.server.port", "8181"));
    }
}

package dev.careloop.app.security;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How the local issuer checks client secrets (the PasswordEncoder its client authentication uses), and what an
 * unknown client id costs: the same hash verification as a wrong secret, against a hash made by the same encoder at
 * the same cost, so that the time of an answer does not tell which client ids exist.
 */
final class ClientSecrets implements PasswordEncoder {

    private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
    /** The hash of a secret nobody knows. */
    private final String nobodysHash = encoder.encode(UUID.randomUUID().toString());
    private final AtomicLong verifications = new AtomicLong();

    @Override
    public String encode(CharSequence rawPassword) {
        return encoder.encode(rawPassword);
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        verifications.incrementAndGet();
        return encoder.matches(rawPassword, encodedPassword);
    }

    @Override
    public boolean upgradeEncoding(String encodedPassword) {
        return encoder.upgradeEncoding(encodedPassword);
    }

    /** Hash verifications so far (each costs one bcrypt): what a client id's existence must not change. */
    long verifications() {
        return verifications.get();
    }

    /**
     * Asked before Spring's ClientSecretAuthenticationProvider, which refuses an unknown client id without hashing:
     * an unknown client's secret is verified against nobody's hash, then refused as a wrong secret is.
     */
    AuthenticationProvider unknownClients(RegisteredClientRepository clients) {
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                OAuth2ClientAuthenticationToken client = (OAuth2ClientAuthenticationToken) authentication;
                ClientAuthenticationMethod method = client.getClientAuthenticationMethod();
                if (!ClientAuthenticationMethod.CLIENT_SECRET_BASIC.equals(method)
                        && !ClientAuthenticationMethod.CLIENT_SECRET_POST.equals(method)) {
                    return null;
                }
                if (clients.findByClientId(String.valueOf(client.getPrincipal())) != null) {
                    return null;
                }
                Object secret = client.getCredentials();
                matches(secret == null ? "" : secret.toString(), nobodysHash);
                // The caller sees only the error code, the same for an unknown client and a wrong secret.
                throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
                        "Client authentication failed: client_secret", null));
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
            }
        };
    }
}

package dev.careloop.app.security;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenIntrospection;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The local issuer's memory of the tokens it issued (Spring's in-memory authorization service), extended twice:
 * a revocation (RFC 7009, {@code POST /oauth2/revoke}) is also written to {@link RevokedTokens}, which every node's
 * resource server consults; and introspection (RFC 7662) answers only about the caller's own tokens.
 */
final class IssuedTokens implements OAuth2AuthorizationService {

    private final OAuth2AuthorizationService memory;
    private final RevokedTokens revoked;

    IssuedTokens(OAuth2AuthorizationService memory, RevokedTokens revoked) {
        this.memory = memory;
        this.revoked = revoked;
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
        if (access != null && access.isInvalidated()) {
            Object jti = access.getClaims() == null ? null : access.getClaims().get("jti");
            if (jti != null) {
                Instant expiresAt = access.getToken().getExpiresAt();
                revoked.revoke(jti.toString(), expiresAt);
            }
        }
        memory.save(authorization);
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        memory.remove(authorization);
    }

    @Override
    public OAuth2Authorization findById(String id) {
        return memory.findById(id);
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        return memory.findByToken(token, tokenType);
    }

    /**
     * Spring's introspection answers any authenticated client about any token. This one answers
     * {@code {"active":false}} unless the token was issued to the caller, or the caller is an admin client.
     */
    static AuthenticationProvider ownTokensOnly(AuthenticationProvider introspection) {
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                Authentication answer = introspection.authenticate(authentication);
                if (!(answer instanceof OAuth2TokenIntrospectionAuthenticationToken introspected)
                        || !introspected.getTokenClaims().isActive()
                        || !(introspected.getPrincipal() instanceof OAuth2ClientAuthenticationToken caller)
                        || caller.getRegisteredClient() == null) {
                    return answer;
                }
                RegisteredClient client = caller.getRegisteredClient();
                if (Objects.equals(introspected.getTokenClaims().getClientId(), client.getClientId())
                        || isAdmin(client)) {
                    return answer;
                }
                return new OAuth2TokenIntrospectionAuthenticationToken(introspected.getToken(), caller,
                        OAuth2TokenIntrospection.builder().build());
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return introspection.supports(authentication);
            }
        };
    }

    private static boolean isAdmin(RegisteredClient client) {
        List<String> roles = client.getClientSettings().getSetting(LocalIssuer.ROLES_SETTING);
        return roles != null && roles.contains("admin");
    }
}

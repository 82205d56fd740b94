package dev.careloop.app.security;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies each bearer token once for its lifetime: a client sends the same token with every request, and
 * parsing and checking its RSA signature was the largest single share of the API's CPU (docs/BENCHMARKS.md).
 * A token is verified by the configured decoder the first time; later it is answered from memory until it
 * expires, after which the decoder decides again (and refuses it). Wraps whichever JwtDecoder the
 * application uses: the local issuer's or the one built from CARELOOP_ISSUER_URI. Whether the token was revoked is
 * asked on every request, cached or not ({@link RevokedTokens}).
 */
@Configuration(proxyBeanMethods = false)
class VerifiedTokens {

    /** Enough for every token in use at once; past it the memory starts over rather than grow. */
    static final int MAX_TOKENS = 10_000;

    @Bean
    static BeanPostProcessor verifyEachTokenOnce(ObjectProvider<RevokedTokens> revoked) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof JwtDecoder decoder && !(bean instanceof Caching)
                        ? new Caching(decoder, Clock.systemUTC(), jwt -> revoked.getObject().validate(jwt)) : bean;
            }
        };
    }

    static final class Caching implements JwtDecoder {
        private final JwtDecoder decoder;
        private final Clock clock;
        private final OAuth2TokenValidator<Jwt> stillValid;
        private final Map<String, Jwt> verified = new ConcurrentHashMap<>();

        Caching(JwtDecoder decoder, Clock clock) {
            this(decoder, clock, jwt -> OAuth2TokenValidatorResult.success());
        }

        /** {@code stillValid}: what may change during a token's life (revocation), asked on every decode. */
        Caching(JwtDecoder decoder, Clock clock, OAuth2TokenValidator<Jwt> stillValid) {
            this.decoder = decoder;
            this.clock = clock;
            this.stillValid = stillValid;
        }

        @Override
        public Jwt decode(String token) throws JwtException {
            Jwt known = verified.get(token);
            Instant now = clock.instant();
            if (known != null && known.getExpiresAt() != null && now.isBefore(known.getExpiresAt())) {
                return checked(known);
            }
            Jwt jwt = checked(decoder.decode(token));
            if (jwt.getExpiresAt() != null) {
                if (verified.size() >= MAX_TOKENS) {
                    verified.clear();
                }
                verified.put(token, jwt);
            }
            return jwt;
        }

        private Jwt checked(Jwt jwt) {
            OAuth2TokenValidatorResult result = stillValid.validate(jwt);
            if (result.hasErrors()) {
                throw new JwtValidationException(result.getErrors().iterator().next().getDescription(),
                        result.getErrors());
            }
            return jwt;
        }
    }
}

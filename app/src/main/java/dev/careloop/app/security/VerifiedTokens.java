package dev.careloop.app.security;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies each bearer token once for its lifetime: a client sends the same token with every request, and
 * parsing and checking its RSA signature was the largest single share of the API's CPU (docs/BENCHMARKS.md).
 * A token is verified by the configured decoder the first time; later it is answered from memory until it
 * expires, after which the decoder decides again (and refuses it). Wraps whichever JwtDecoder the
 * application uses: the local issuer's or the one built from CARELOOP_ISSUER_URI.
 */
@Configuration(proxyBeanMethods = false)
class VerifiedTokens {

    /** Enough for every token in use at once; past it the memory starts over rather than grow. */
    static final int MAX_TOKENS = 10_000;

    @Bean
    static BeanPostProcessor verifyEachTokenOnce() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof JwtDecoder decoder && !(bean instanceof Caching)
                        ? new Caching(decoder, Clock.systemUTC()) : bean;
            }
        };
    }

    static final class Caching implements JwtDecoder {
        private final JwtDecoder decoder;
        private final Clock clock;
        private final Map<String, Jwt> verified = new ConcurrentHashMap<>();

        Caching(JwtDecoder decoder, Clock clock) {
            this.decoder = decoder;
            this.clock = clock;
        }

        @Override
        public Jwt decode(String token) throws JwtException {
            Jwt known = verified.get(token);
            Instant now = clock.instant();
            if (known != null && known.getExpiresAt() != null && now.isBefore(known.getExpiresAt())) {
                return known;
            }
            Jwt jwt = decoder.decode(token);
            if (jwt.getExpiresAt() != null) {
                if (verified.size() >= MAX_TOKENS) {
                    verified.clear();
                }
                verified.put(token, jwt);
            }
            return jwt;
        }
    }
}

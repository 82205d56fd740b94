package dev.careloop.app.security;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerifiedTokensTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void aTokenIsVerifiedOnceWhileItIsValid() {
        AtomicInteger verifications = new AtomicInteger();
        JwtDecoder decoder = token -> {
            verifications.incrementAndGet();
            return jwt(token, NOW.plusSeconds(300));
        };
        VerifiedTokens.Caching caching = new VerifiedTokens.Caching(decoder, Clock.fixed(NOW, ZoneOffset.UTC));

        caching.decode("t1");
        caching.decode("t1");
        caching.decode("t2");

        assertThat(verifications).hasValue(2);
    }

    @Test
    void anExpiredTokenGoesBackToTheDecoderWhichRefusesIt() {
        AtomicInteger verifications = new AtomicInteger();
        JwtDecoder decoder = token -> {
            if (verifications.incrementAndGet() > 1) {
                throw new BadJwtException("expired");
            }
            return jwt(token, NOW.plusSeconds(60));
        };
        VerifiedTokens.Caching early = new VerifiedTokens.Caching(decoder, Clock.fixed(NOW, ZoneOffset.UTC));
        early.decode("t1");
        VerifiedTokens.Caching later = new VerifiedTokens.Caching(decoder,
                Clock.fixed(NOW.plusSeconds(61), ZoneOffset.UTC));

        assertThatThrownBy(() -> later.decode("t1")).isInstanceOf(BadJwtException.class);
    }

    private static Jwt jwt(String token, Instant expiresAt) {
        return Jwt.withTokenValue(token).header("alg", "RS256").claim("sub", "x").issuedAt(NOW)
                .expiresAt(expiresAt).build();
    }
}

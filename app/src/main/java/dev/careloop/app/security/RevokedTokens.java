package dev.careloop.app.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Access tokens revoked before their expiry, by {@code jti}, in PostgreSQL (revoked_token), so that every node
 * refuses them. A node reads the list again when its copy is older than careloop.security.revocation-refresh (2 s by
 * default): a token revoked here stops working at once, one revoked through another node within that time.
 * Checked on every request, cached tokens included ({@link VerifiedTokens}).
 */
@Component
class RevokedTokens implements OAuth2TokenValidator<Jwt> {

    private static final Logger log = LoggerFactory.getLogger(RevokedTokens.class);
    private static final OAuth2Error REVOKED = new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN,
            "the token was revoked", null);

    private final JdbcTemplate jdbc;
    private final Duration refresh;
    private final Clock clock = Clock.systemUTC();
    private volatile Set<String> revoked = Set.of();
    private volatile Instant loadedAt = Instant.MIN;

    RevokedTokens(JdbcTemplate jdbc,
                  @Value("${careloop.security.revocation-refresh:PT2S}") Duration refresh) {
        this.jdbc = jdbc;
        this.refresh = refresh;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt jwt) {
        return jwt.getId() != null && isRevoked(jwt.getId()) ? OAuth2TokenValidatorResult.failure(REVOKED)
                : OAuth2TokenValidatorResult.success();
    }

    /** Refuses the token {@code jti} from now until {@code expiresAt}, on every node. */
    void revoke(String jti, Instant expiresAt) {
        jdbc.update("INSERT INTO revoked_token (jti, expires_at) VALUES (?, ?) ON CONFLICT (jti) DO NOTHING", jti,
                Timestamp.from(expiresAt == null ? clock.instant().plus(Duration.ofDays(1)) : expiresAt));
        // Tokens past their expiry are refused anyway: their rows only cost reading.
        jdbc.update("DELETE FROM revoked_token WHERE expires_at < now() - interval '1 hour'");
        synchronized (this) {
            Set<String> next = new HashSet<>(revoked);
            next.add(jti);
            revoked = Set.copyOf(next);
        }
    }

    boolean isRevoked(String jti) {
        if (clock.instant().isAfter(loadedAt.plus(refresh))) {
            reload();
        }
        return revoked.contains(jti);
    }

    private synchronized void reload() {
        Instant now = clock.instant();
        if (!now.isAfter(loadedAt.plus(refresh))) {
            return;
        }
        try {
            List<String> listed = jdbc.queryForList("SELECT jti FROM revoked_token WHERE expires_at > now()",
                    String.class);
            revoked = Set.copyOf(listed);
            loadedAt = now;
        } catch (DataAccessException e) {
            // The database answers 503 to the request itself; keep what we knew rather than refuse every token.
            log.warn("could not read the revoked tokens; keeping the last list: {}", e.getMessage());
            // Not again for every request meanwhile: each would wait on the pool, one after another.
            loadedAt = now;
        }
    }
}

package dev.careloop.app.privacy;

import dev.careloop.api.PatientIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The platform's patient-id secret (table platform_secret, V28), the same on every node: made by the first node to
 * start, wrapped by the master key when one is configured; or kept by the operator outside the database
 * ({@code careloop.privacy.patient-id-secret}, at least 32 bytes, base64), of which the database then keeps only
 * the fingerprint. A node whose secret differs from the one in use refuses to start: it would give every patient
 * a second id. The secret is never logged. Patients an older log names by unkeyed ids are moved to keyed ids by
 * {@link PatientRekeying}.
 */
@Configuration(proxyBeanMethods = false)
class PatientIdSecret {

    static final String NAME = "patient-id";
    private static final Logger log = LoggerFactory.getLogger(PatientIdSecret.class);
    private static final String WRAPPING = "careloop-patient-id-secret";

    private record Stored(byte[] material, boolean wrapped, String fingerprint) {
    }

    @Bean
    PatientIds patientIds(JdbcTemplate jdbc, MasterKey masterKey,
                          @Value("${careloop.privacy.patient-id-secret:}") String configured) {
        return new PatientIds(configured == null || configured.isBlank() ? fromDatabase(jdbc, masterKey)
                : fromConfiguration(jdbc, configured));
    }

    private static byte[] fromConfiguration(JdbcTemplate jdbc, String configured) {
        byte[] secret;
        try {
            secret = Base64.getDecoder().decode(configured.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("careloop.privacy.patient-id-secret must be base64");
        }
        if (secret.length < PatientIds.MIN_SECRET_BYTES) {
            throw new IllegalStateException("careloop.privacy.patient-id-secret must be at least "
                    + PatientIds.MIN_SECRET_BYTES + " bytes, base64");
        }
        jdbc.update("INSERT INTO platform_secret (name, material, wrapped, fingerprint) "
                + "VALUES (?, NULL, false, ?) ON CONFLICT (name) DO NOTHING", NAME, fingerprint(secret));
        Stored stored = read(jdbc);
        if (!stored.fingerprint().equals(fingerprint(secret))) {
            throw new IllegalStateException("careloop.privacy.patient-id-secret is not the patient-id secret this "
                    + "database's patient ids were made with" + (stored.material() != null
                    ? " (that one is kept in the database: unset careloop.privacy.patient-id-secret)" : ""));
        }
        return secret;
    }

    private static byte[] fromDatabase(JdbcTemplate jdbc, MasterKey masterKey) {
        byte[] fresh = new byte[PatientIds.MIN_SECRET_BYTES];
        new SecureRandom().nextBytes(fresh);
        // Two nodes starting together: one insert wins, both read back the winner.
        jdbc.update("INSERT INTO platform_secret (name, material, wrapped, fingerprint) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING", NAME, masterKey.wrap(fresh, WRAPPING),
                masterKey.configured(), fingerprint(fresh));
        Stored stored = read(jdbc);
        if (stored.material() == null) {
            throw new IllegalStateException("this database's patient-id secret is kept outside it: set "
                    + "careloop.privacy.patient-id-secret (CARELOOP_PRIVACY_PATIENT_ID_SECRET)");
        }
        if (stored.wrapped() && !masterKey.configured()) {
            throw new IllegalStateException("the patient-id secret is wrapped by a master key: set "
                    + "careloop.privacy.master-key (CARELOOP_PRIVACY_MASTER_KEY)");
        }
        byte[] secret = stored.wrapped() ? masterKey.unwrap(stored.material(), WRAPPING) : stored.material();
        if (!stored.wrapped() && masterKey.configured()) {
            // Stored before a master key was configured: wrap it now, so the database alone no longer holds it.
            jdbc.update("UPDATE platform_secret SET material = ?, wrapped = true WHERE name = ? AND NOT wrapped",
                    masterKey.wrap(secret, WRAPPING), NAME);
            log.info("Wrapped the patient-id secret with careloop.privacy.master-key");
        }
        return secret;
    }

    private static Stored read(JdbcTemplate jdbc) {
        List<Stored> rows = jdbc.query("SELECT material, wrapped, fingerprint FROM platform_secret WHERE name = ?",
                (rs, n) -> new Stored(rs.getBytes(1), rs.getBoolean(2), rs.getString(3)), NAME);
        return rows.get(0);
    }

    /** Which secret this is, without revealing it: HMAC-SHA256 of the secret's name under the secret. */
    static String fingerprint(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(("careloop-secret-fingerprint|" + NAME)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no HmacSHA256 on this Java", e);
        }
    }
}

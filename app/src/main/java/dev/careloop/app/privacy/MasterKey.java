package dev.careloop.app.privacy;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * {@code careloop.privacy.master-key} (32 bytes, base64): wraps every secret the platform keeps in PostgreSQL (each
 * patient's key, the patient-id secret) with AES-256-GCM, bound to what the secret is for, so a copy of the
 * database alone reveals none of them. Unset, secrets are stored unwrapped.
 */
@Component
public class MasterKey {

    private final SecretKey key;

    MasterKey(@Value("${careloop.privacy.master-key:}") String masterKey) {
        if (masterKey == null || masterKey.isBlank()) {
            this.key = null;
        } else {
            byte[] bytes = Base64.getDecoder().decode(masterKey.trim());
            if (bytes.length != 32) {
                throw new IllegalStateException("careloop.privacy.master-key must be 32 bytes, base64");
            }
            this.key = new SecretKeySpec(bytes, "AES");
        }
    }

    public boolean configured() {
        return key != null;
    }

    /** The secret as stored: sealed for {@code purpose} under the master key, or as it is when there is none. */
    public byte[] wrap(byte[] secret, String purpose) {
        return key == null ? secret : PatientKeys.Aes.seal(key, secret, purpose.getBytes(StandardCharsets.UTF_8));
    }

    /** The secret a {@link #wrap} stored for the same {@code purpose}. */
    public byte[] unwrap(byte[] stored, String purpose) {
        return key == null ? stored : PatientKeys.Aes.open(key, stored, purpose.getBytes(StandardCharsets.UTF_8));
    }
}

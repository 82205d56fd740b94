package dev.careloop.api;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.LocalDate;
import java.util.UUID;

/**
 * The platform's pseudonymous patient id for an identifier (system + value): HMAC-SHA256 under the platform's
 * patient-id secret, so the same identifier always gives the same id on every node, and no one without the secret
 * can compute the id from an MRN. Rendered as a UUID (version 8, RFC 9562: custom) so it parses wherever a patient
 * id is expected to be one.
 */
public final class PatientIds {

    /** Shorter secrets would make the id guessable by brute force over the MRN space and the secret together. */
    public static final int MIN_SECRET_BYTES = 32;
    private static final String HMAC = "HmacSHA256";

    private final ThreadLocal<Mac> mac;

    public PatientIds(byte[] secret) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the patient-id secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        SecretKeySpec key = new SecretKeySpec(secret.clone(), HMAC);
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance(HMAC);
                m.init(key);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no " + HMAC + " on this Java", e);
            }
        });
    }

    /** The platform patient id for the identifier; system and value are compared trimmed, as everywhere else. */
    public String idFor(String identifierSystem, String identifierValue) {
        byte[] digest = mac.get().doFinal((identifierSystem.trim() + "|" + identifierValue.trim())
                .getBytes(StandardCharsets.UTF_8));
        digest[6] = (byte) ((digest[6] & 0x0f) | 0x80); // version 8
        digest[8] = (byte) ((digest[8] & 0x3f) | 0x80); // the RFC 4122 / 9562 variant
        ByteBuffer bytes = ByteBuffer.wrap(digest, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong()).toString();
    }

    /**
     * The id the platform gave the identifier before ids were keyed: UUIDv3 (MD5) of system|value, which anyone can
     * compute. Only the migration uses it, to check that an old event's id is the one its identifier gave.
     */
    public static String unkeyedIdFor(String identifierSystem, String identifierValue) {
        return UUID.nameUUIDFromBytes((identifierSystem.trim() + "|" + identifierValue.trim())
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Whether {@code patientId} has the form of an unkeyed id (a version 3 UUID), as events before keying carry. */
    public static boolean looksUnkeyed(String patientId) {
        try {
            return patientId != null && patientId.length() == 36 && UUID.fromString(patientId).version() == 3;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The patient named by the identifier, with its platform id. */
    public Patient patient(String identifierSystem, String identifierValue, String name, LocalDate birthDate) {
        return new Patient(idFor(identifierSystem, identifierValue), identifierSystem.trim(), identifierValue.trim(),
                name, birthDate);
    }
}

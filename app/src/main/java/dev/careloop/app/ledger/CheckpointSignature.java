package dev.careloop.app.ledger;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * What a checkpoint signs (Ed25519): {@code careloop-checkpoint|position|hex(chain_hash)|signed_at}, and the key
 * id by which a verifier recognises the key it trusts (the first 16 hex digits of the public key's sha256). A
 * checkpoint of the access log's chain signs the same with {@code careloop-access-checkpoint} first, so that no
 * signature of one chain can pass for the other's.
 */
final class CheckpointSignature {

    private CheckpointSignature() {
    }

    static byte[] sign(PrivateKey key, long position, byte[] chainHash, Instant signedAt) {
        return sign(EVENTS, key, position, chainHash, signedAt);
    }

    static boolean verifies(byte[] publicKey, long position, byte[] chainHash, Instant signedAt, byte[] signed) {
        return verifies(EVENTS, publicKey, position, chainHash, signedAt, signed);
    }

    /** The event log's checkpoints ({@code chain_checkpoint}). */
    static final String EVENTS = "careloop-checkpoint";
    /** The access log's checkpoints ({@code access_checkpoint}, V48). */
    static final String ACCESS = "careloop-access-checkpoint";

    /**
     * Stores a signed checkpoint in {@code table} ({@code chain_checkpoint} or {@code access_checkpoint}: the same
     * columns); a checkpoint already stored at that position stays as it is.
     */
    static void store(DataSource dataSource, String table, long position, byte[] chainHash, Instant signedAt,
                      String keyId, byte[] publicKey, byte[] signature) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                     + " (position, chain_hash, signed_at, key_id, public_key, signature)"
                     + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (position) DO NOTHING")) {
            insert.setLong(1, position);
            insert.setBytes(2, chainHash);
            insert.setTimestamp(3, Timestamp.from(signedAt));
            insert.setString(4, keyId);
            insert.setBytes(5, publicKey);
            insert.setBytes(6, signature);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write a checkpoint to " + table, e);
        }
    }

    static byte[] sign(String chain, PrivateKey key, long position, byte[] chainHash, Instant signedAt) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(key);
            signature.update(message(chain, position, chainHash, signedAt));
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not sign a checkpoint", e);
        }
    }

    static boolean verifies(String chain, byte[] publicKey, long position, byte[] chainHash, Instant signedAt,
                            byte[] signed) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initVerify(publicKey(publicKey));
            signature.update(message(chain, position, chainHash, signedAt));
            return signature.verify(signed);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    static String keyId(byte[] publicKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static PublicKey publicKey(byte[] encoded) throws GeneralSecurityException {
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
    }

    /** Checkpoint times are kept to the microsecond, as PostgreSQL stores them. */
    static Instant stored(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    private static byte[] message(String chain, long position, byte[] chainHash, Instant signedAt) {
        return (chain + "|" + position + "|" + HexFormat.of().formatHex(chainHash) + "|"
                + stored(signedAt)).getBytes(StandardCharsets.UTF_8);
    }
}

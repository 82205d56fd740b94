package dev.careloop.app.ledger;

import dev.careloop.app.ledger.LogVerifier.Start;
import dev.careloop.app.ledger.LogVerifier.Verification;

import javax.sql.DataSource;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Signed checkpoints of the chain. A checkpoint is written only after the chain since the previous trusted one
 * verified, so a signature vouches for everything before it; a verifier that trusts the key starts after the
 * newest checkpoint it can verify instead of at the start of the log.
 */
public final class Checkpoints {

    private final DataSource dataSource;
    private final LogVerifier verifier;

    public Checkpoints(DataSource dataSource) {
        this(dataSource, LogVerifier.DEFAULT_CHAIN_WINDOW);
    }

    public Checkpoints(DataSource dataSource, java.time.Duration chainWindow) {
        this.dataSource = dataSource;
        this.verifier = new LogVerifier(dataSource, chainWindow);
    }

    /** A stored checkpoint. */
    public record Checkpoint(long position, byte[] chainHash, Instant signedAt, String keyId, byte[] publicKey,
                             byte[] signature) {
        boolean verifiesWith(Set<String> trustedKeyIds) {
            return trustedKeyIds.contains(keyId) && keyId.equals(CheckpointSignature.keyId(publicKey))
                    && CheckpointSignature.verifies(publicKey, position, chainHash, signedAt, signature);
        }
    }

    /**
     * Where a verification may start: after the newest checkpoint at or before {@code atOrBefore} (null: any)
     * that is signed by one of {@code trustedKeyIds} and whose link is still the stored one, else the start.
     */
    public Start trustedStart(Set<String> trustedKeyIds, Long atOrBefore) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("""
                     SELECT k.position, k.chain_hash, k.signed_at, k.key_id, k.public_key, k.signature, c.chain_hash AS stored
                     FROM chain_checkpoint k LEFT JOIN event_chain c ON c.position = k.position
                     WHERE ?::bigint IS NULL OR k.position <= ?::bigint
                     ORDER BY k.position DESC""")) {
            query.setObject(1, atOrBefore);
            query.setObject(2, atOrBefore);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    Checkpoint checkpoint = checkpoint(row);
                    if (checkpoint.verifiesWith(trustedKeyIds)
                            && java.util.Arrays.equals(checkpoint.chainHash(), row.getBytes("stored"))) {
                        return new Start(checkpoint.position(), checkpoint.chainHash(), "the checkpoint at position "
                                + checkpoint.position() + " signed " + checkpoint.signedAt() + " by key "
                                + checkpoint.keyId());
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read checkpoints", e);
        }
        return Start.BEGINNING;
    }

    /**
     * Where a verification of [{@code fromPosition}, {@code toPosition}] starts: after the newest checkpoint of a
     * trusted key at or before it, or, when {@code full}, at the start of the log or (for a range) after the stored
     * link before {@code fromPosition}, trusting the database for that one link.
     */
    public Start startFor(Set<String> trustedKeyIds, Long fromPosition, Long toPosition, boolean full) {
        if (fromPosition == null || fromPosition <= 0) {
            return full ? Start.BEGINNING : trustedStart(trustedKeyIds, toPosition);
        }
        long after = fromPosition - 1;
        return full ? verifier.storedLink(after).map(link -> new Start(after, link,
                "the stored link at position " + after + " (not signed: a range check)")).orElse(Start.BEGINNING)
                : trustedStart(trustedKeyIds, after);
    }

    /**
     * Verifies the chain since the newest checkpoint this key signed and, when it is intact (or only lags behind
     * the chain window) and has grown, signs its head. Returns the verification (and the new checkpoint, if one was written).
     */
    public Result checkpoint(PrivateKey key, byte[] publicKey, Instant now) {
        String keyId = CheckpointSignature.keyId(publicKey);
        Verification verification = verifier.verify(trustedStart(Set.of(keyId), null), null);
        // A chainer lagging behind the window is no tampering: the chained prefix verified and is signed.
        boolean lagging = !verification.intact() && verification.firstBreak().kind() == LogVerifier.Kind.LAGGING;
        if ((!verification.intact() && !lagging) || verification.verifiedUpToPosition() == 0
                || verification.eventsChecked() == 0) {
            return new Result(verification, Optional.empty());
        }
        long position = verification.verifiedUpToPosition();
        byte[] link = verifier.storedLink(position).orElseThrow();
        Instant signedAt = CheckpointSignature.stored(now);
        byte[] signature = CheckpointSignature.sign(key, position, link, signedAt);
        CheckpointSignature.store(dataSource, "chain_checkpoint", position, link, signedAt, keyId, publicKey,
                signature);
        return new Result(verification, Optional.of(new Checkpoint(position, link, signedAt, keyId, publicKey,
                signature)));
    }

    public record Result(Verification verification, Optional<Checkpoint> written) {
    }

    /**
     * A checkpoint as an officer reviews it: whether its signature verifies with a key this process trusts, and
     * whether the chain still holds, at its position, the link it signed.
     */
    public record Reviewed(long position, Instant signedAt, String keyId, boolean trustedSignature,
                           boolean linkStillStored) {
    }

    /** The newest {@code limit} checkpoints, newest first, each reviewed against {@code trustedKeyIds}. */
    public List<Reviewed> recent(Set<String> trustedKeyIds, int limit) {
        List<Reviewed> found = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("""
                     SELECT k.position, k.chain_hash, k.signed_at, k.key_id, k.public_key, k.signature, c.chain_hash AS stored
                     FROM chain_checkpoint k LEFT JOIN event_chain c ON c.position = k.position
                     ORDER BY k.position DESC LIMIT ?""")) {
            query.setInt(1, limit);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    Checkpoint checkpoint = checkpoint(row);
                    found.add(new Reviewed(checkpoint.position(), checkpoint.signedAt(), checkpoint.keyId(),
                            checkpoint.verifiesWith(trustedKeyIds),
                            java.util.Arrays.equals(checkpoint.chainHash(), row.getBytes("stored"))));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read checkpoints", e);
        }
        return found;
    }

    /** The key id of a base64 X.509 Ed25519 public key as given by an officer (--public-key). */
    public static String keyIdOf(String base64PublicKey) {
        return CheckpointSignature.keyId(Base64.getDecoder().decode(base64PublicKey.trim()));
    }

    private static Checkpoint checkpoint(ResultSet row) throws SQLException {
        return new Checkpoint(row.getLong("position"), row.getBytes("chain_hash"),
                row.getTimestamp("signed_at").toInstant(), row.getString("key_id"), row.getBytes("public_key"),
                row.getBytes("signature"));
    }
}

package dev.careloop.app.ledger;

import dev.careloop.app.ledger.AccessChainVerifier.SignedHead;
import dev.careloop.app.ledger.AccessChainVerifier.Verification;

import javax.sql.DataSource;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Signed checkpoints of the access log's chain (V48), as {@link Checkpoints} are for the event log's: the head of the
 * chain is signed only after the entries since the previous checkpoint of the same key verified, so each signature
 * vouches for every entry before it. A verifier that trusts the key then finds a chain rewritten before a checkpoint
 * (each later link recomputed) and entries cut from the end, which a walk of the chain alone cannot.
 */
public final class AccessCheckpoints {

    private final DataSource dataSource;
    private final AccessChainVerifier verifier;

    public AccessCheckpoints(DataSource dataSource) {
        this.dataSource = dataSource;
        this.verifier = new AccessChainVerifier(dataSource);
    }

    /** A checkpoint written by {@link #checkpoint}. */
    public record Checkpoint(long position, byte[] chainHash, Instant signedAt, String keyId) {
    }

    public record Result(Verification verification, Optional<Checkpoint> written) {
    }

    /** The heads signed by one of {@code trustedKeyIds} whose signatures verify, oldest first. */
    public List<SignedHead> trusted(Set<String> trustedKeyIds) {
        List<SignedHead> heads = new ArrayList<>();
        if (trustedKeyIds.isEmpty()) {
            return heads;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("""
                     SELECT position, chain_hash, signed_at, key_id, public_key, signature
                     FROM access_checkpoint WHERE key_id = ANY (?) ORDER BY position""")) {
            query.setArray(1, connection.createArrayOf("varchar", trustedKeyIds.toArray()));
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    long position = row.getLong("position");
                    byte[] chainHash = row.getBytes("chain_hash");
                    Instant signedAt = row.getTimestamp("signed_at").toInstant();
                    String keyId = row.getString("key_id");
                    byte[] publicKey = row.getBytes("public_key");
                    if (keyId.equals(CheckpointSignature.keyId(publicKey))
                            && CheckpointSignature.verifies(CheckpointSignature.ACCESS, publicKey, position, chainHash,
                            signedAt, row.getBytes("signature"))) {
                        heads.add(new SignedHead(position, chainHash,
                                "the checkpoint of " + signedAt + " (key " + keyId + ")"));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the access log's checkpoints", e);
        }
        return heads;
    }

    /**
     * Verifies the entries since the newest checkpoint this key signed (from the start when there is none, or when
     * its link is no longer the stored one) and, when they are intact and the chain has grown, signs its head.
     */
    public Result checkpoint(PrivateKey key, byte[] publicKey, Instant now) {
        String keyId = CheckpointSignature.keyId(publicKey);
        List<SignedHead> own = trusted(Set.of(keyId));
        SignedHead newest = own.isEmpty() ? null : own.get(own.size() - 1);
        Verification verification = newest != null && storedLink(newest.position())
                .filter(stored -> MessageDigest.isEqual(stored, newest.chainHash())).isPresent()
                ? verifier.verifyAfter(newest.position(), newest.chainHash(), newest.by(), List.of())
                : verifier.verify(own);
        if (!verification.intact() || verification.entriesChecked() == 0) {
            return new Result(verification, Optional.empty());
        }
        long position = verification.position();
        byte[] link = storedLink(position).orElseThrow();
        Instant signedAt = CheckpointSignature.stored(now);
        byte[] signature = CheckpointSignature.sign(CheckpointSignature.ACCESS, key, position, link, signedAt);
        CheckpointSignature.store(dataSource, "access_checkpoint", position, link, signedAt, keyId, publicKey,
                signature);
        return new Result(verification, Optional.of(new Checkpoint(position, link, signedAt, keyId)));
    }

    private Optional<byte[]> storedLink(long position) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT chain_hash FROM access_entry WHERE position = ?")) {
            query.setLong(1, position);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(row.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the access log's chain", e);
        }
    }
}

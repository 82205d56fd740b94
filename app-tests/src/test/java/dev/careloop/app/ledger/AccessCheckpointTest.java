package dev.careloop.app.ledger;

import dev.careloop.app.ledger.AccessChainVerifier.Verification;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signed checkpoints of the access log's chain (V48): the periodic round signs the chain's head, and a verifier
 * that trusts the key finds what a walk of the chain alone cannot: an entry changed before a checkpoint with every
 * later link recomputed, and entries cut from the end. Tampering is done as a superuser would (triggers off).
 */
class AccessCheckpointTest {

    private final LedgerDatabase db = LedgerDatabase.fresh();
    private final AccessCheckpoints checkpoints = new AccessCheckpoints(db.dataSource);
    private final AccessChainVerifier verifier = new AccessChainVerifier(db.dataSource);
    private final KeyPair key = keyPair();
    private final String keyId = CheckpointSignature.keyId(key.getPublic().getEncoded());

    @Test
    void aCheckpointSignsTheHeadOfAnIntactChainAndTheNextVerifiesOnlyWhatCameSince() {
        insert(5);
        AccessCheckpoints.Result first = checkpoint();
        insert(3);
        AccessCheckpoints.Result second = checkpoint();
        AccessCheckpoints.Result nothingNew = checkpoint();

        assertThat(first.written()).get().extracting(AccessCheckpoints.Checkpoint::position).isEqualTo(5L);
        assertThat(second.verification().entriesChecked()).isEqualTo(3);
        assertThat(second.written()).get().extracting(AccessCheckpoints.Checkpoint::position).isEqualTo(8L);
        assertThat(nothingNew.written()).isEmpty();
        Verification full = verifier.verify(checkpoints.trusted(Set.of(keyId)));
        assertThat(full.intact()).as(full.summary()).isTrue();
        assertThat(full.summary()).isEqualTo("access log intact up to entry 8, 8 entries checked from the start, "
                + "2 signed checkpoints matched");
    }

    @Test
    void anEntryChangedBeforeACheckpointWithEveryLaterLinkRewrittenIsFound() {
        insert(10);
        checkpoint();
        db.asSuperuserWithoutTriggers("access_entry",
                "UPDATE access_entry SET organisation = 'lakeside-cardio' WHERE position = 4");
        rewriteChainFrom(4, 10);

        // The forged chain is self-consistent: only the signed head shows it is not the one that was written.
        assertThat(verifier.verify().intact()).isTrue();
        Verification v = verifier.verify(checkpoints.trusted(Set.of(keyId)));

        assertThat(v.intact()).isFalse();
        assertThat(v.firstBreak()).startsWith("the chain up to entry 10 is not the one the checkpoint of ")
                .endsWith("(key " + keyId + ") signed: an entry after entry 0 was changed and every later link "
                        + "rewritten");
        assertThat(v.position()).isZero();
    }

    @Test
    void aRewriteAfterAnEarlierCheckpointIsNarrowedToTheEntriesSinceIt() {
        insert(4);
        checkpoint();
        insert(4);
        checkpoint();
        db.asSuperuserWithoutTriggers("access_entry",
                "UPDATE access_entry SET allowed = NOT allowed WHERE position = 6");
        rewriteChainFrom(6, 8);

        Verification v = verifier.verify(checkpoints.trusted(Set.of(keyId)));

        assertThat(v.firstBreak()).contains("an entry after entry 4 was changed");
        assertThat(v.position()).isEqualTo(4);
        assertThat(v.checkpointsMatched()).isEqualTo(1);
    }

    @Test
    void entriesCutFromTheEndOfASignedLogAreFound() {
        insert(10);
        checkpoint();
        db.asSuperuserWithoutTriggers("access_entry", "DELETE FROM access_entry WHERE position > 8");

        assertThat(verifier.verify().intact()).isTrue();
        Verification v = verifier.verify(checkpoints.trusted(Set.of(keyId)));

        assertThat(v.intact()).isFalse();
        assertThat(v.firstBreak()).startsWith("entry 10 was signed by the checkpoint of ")
                .endsWith("but the log ends at entry 8: entries were removed from its end");
    }

    @Test
    void onlyCheckpointsOfATrustedKeyWithAValidSignatureCount() {
        insert(3);
        checkpoint();
        // A forger's checkpoint that claims the trusted key's id but is signed with another key.
        KeyPair forger = keyPair();
        byte[] fakeHash = new byte[32];
        Instant at = CheckpointSignature.stored(Instant.now());
        db.jdbc.update("""
                INSERT INTO access_checkpoint (position, chain_hash, signed_at, key_id, public_key, signature)
                VALUES (2, ?, ?, ?, ?, ?)""", fakeHash, Timestamp.from(at), keyId, forger.getPublic().getEncoded(),
                CheckpointSignature.sign(CheckpointSignature.ACCESS, forger.getPrivate(), 2, fakeHash, at));

        assertThat(checkpoints.trusted(Set.of("0000000000000000"))).isEmpty();
        assertThat(checkpoints.trusted(Set.of(keyId))).singleElement()
                .extracting(AccessChainVerifier.SignedHead::position).isEqualTo(3L);
        assertThat(verifier.verify(checkpoints.trusted(Set.of(keyId))).intact()).isTrue();
    }

    @Test
    void anEventLogCheckpointSignatureDoesNotPassForAnAccessLogOne() {
        byte[] hash = new byte[32];
        Instant at = CheckpointSignature.stored(Instant.now());
        byte[] eventSignature = CheckpointSignature.sign(key.getPrivate(), 3, hash, at);

        assertThat(CheckpointSignature.verifies(CheckpointSignature.ACCESS, key.getPublic().getEncoded(), 3, hash, at,
                eventSignature)).isFalse();
    }

    @Test
    void verifyLogWithThePinnedKeyExitsOneOnARewrittenAccessChain() {
        insert(6);
        checkpoint();
        db.asSuperuserWithoutTriggers("access_entry", "UPDATE access_entry SET user_id = 'someone' WHERE position = 2");
        rewriteChainFrom(2, 6);
        String publicKey = Base64.getEncoder().encodeToString(key.getPublic().getEncoded());

        ByteArrayOutputStream unpinned = new ByteArrayOutputStream();
        int withoutKey = LedgerCommands.run(new String[]{"verify-log", "--url", db.url, "--user", "postgres"},
                new PrintStream(unpinned, true, StandardCharsets.UTF_8));
        ByteArrayOutputStream pinned = new ByteArrayOutputStream();
        int withKey = LedgerCommands.run(new String[]{"verify-log", "--url", db.url, "--user", "postgres",
                "--public-key", publicKey}, new PrintStream(pinned, true, StandardCharsets.UTF_8));

        assertThat(withoutKey).isZero();
        assertThat(withKey).isEqualTo(1);
        assertThat(pinned.toString(StandardCharsets.UTF_8)).contains("access log BROKEN: the chain up to entry 6");
    }

    private AccessCheckpoints.Result checkpoint() {
        return checkpoints.checkpoint(key.getPrivate(), key.getPublic().getEncoded(), Instant.now());
    }

    /** What a forger with superuser rights does after changing an entry: every link from it on, recomputed. */
    private void rewriteChainFrom(int first, int last) {
        for (int position = first; position <= last; position++) {
            db.asSuperuserWithoutTriggers("access_entry", """
                    UPDATE access_entry a SET entry_hash = access_digest(a),
                        chain_hash = sha256((SELECT chain_hash FROM access_entry WHERE position = ?) || access_digest(a))
                    WHERE position = ?""", position - 1, position);
        }
    }

    private void insert(int count) {
        for (int i = 0; i < count; i++) {
            db.jdbc.update("""
                    INSERT INTO access_entry (accessed_at, request_id, user_id, user_name, client, organisation, roles,
                        purpose_of_use, channel, action, resource_type, resource_id, query, query_digest, returned_ids,
                        patient_id, allowed, reason, position, entry_hash, chain_hash)
                    VALUES (?, ?, 'dr-river', 'Dr River', 'careloop-web', 'riverside-derm', 'clinician', 'TREAT', 'rest',
                        'R', 'Referral', ?, NULL, ''::bytea, '{}'::text[], 'patient-1', true, NULL, 0, ''::bytea,
                        ''::bytea)""",
                    Timestamp.from(Instant.parse("2026-12-01T10:00:00Z").plusSeconds(i)), "request-" + i,
                    "referral-" + i);
        }
    }

    private static KeyPair keyPair() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

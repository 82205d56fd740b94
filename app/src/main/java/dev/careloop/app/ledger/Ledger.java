package dev.careloop.app.ledger;

import dev.careloop.plumbing.PeriodicTask;
import dev.careloop.app.ledger.LogVerifier.Verification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

/**
 * The log's tamper evidence in this process: verifies the hash chain on request and signs a checkpoint every
 * {@code careloop.ledger.checkpoint-interval} with the Ed25519 key pair {@code careloop.ledger.signing-key}
 * (CARELOOP_LEDGER_SIGNING_KEY, base64 PKCS#8) and {@code careloop.ledger.public-key} (CARELOOP_LEDGER_PUBLIC_KEY,
 * base64 X.509). Without a configured key a key is made for this process and its public half logged:
 * checkpoints then only vouch for what this process saw.
 */
@Component
public class Ledger extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(Ledger.class);

    private final Chainer chainer;
    private final LogVerifier verifier;
    private final AccessChainVerifier accessVerifier;
    private final Checkpoints checkpoints;
    private final AccessCheckpoints accessCheckpoints;
    private final PrivateKey signingKey;
    private final byte[] publicKey;
    private final Set<String> trustedKeyIds = new HashSet<>();
    private final Clock clock;

    Ledger(DataSource dataSource, Chainer chainer, @Value("${careloop.ledger.signing-key:}") String signingKey,
           @Value("${careloop.ledger.public-key:}") String signingPublicKey,
           @Value("${careloop.ledger.trusted-keys:}") String trustedKeys,
           @Value("${careloop.ledger.checkpoint-interval:PT1M}") Duration interval,
           @Value("${careloop.ledger.chain-window:PT10S}") Duration chainWindow,
           @Value("${careloop.demo-keys-expected:false}") boolean demoKeysExpected) {
        super("ledger-checkpoints", interval, Rounds.CLUSTER_WIDE);
        this.chainer = chainer;
        this.verifier = new LogVerifier(dataSource, chainWindow);
        this.accessVerifier = new AccessChainVerifier(dataSource);
        this.checkpoints = new Checkpoints(dataSource, chainWindow);
        this.accessCheckpoints = new AccessCheckpoints(dataSource);
        KeyPair pair = keyPair(signingKey, signingPublicKey, demoKeysExpected);
        this.signingKey = pair.getPrivate();
        this.publicKey = pair.getPublic().getEncoded();
        this.clock = Clock.systemUTC();
        trustedKeyIds.add(CheckpointSignature.keyId(publicKey));
        Arrays.stream(trustedKeys.split(",")).map(String::trim).filter(k -> !k.isEmpty())
                .map(Checkpoints::keyIdOf).forEach(trustedKeyIds::add);
    }

    /**
     * Verifies the chain: from the newest trusted checkpoint at or before {@code fromPosition} (or the start,
     * when {@code full}), up to {@code toPosition} (null: the end, where unchained events are looked for too).
     * What has committed is chained first, so only events held back by a transaction still open wait.
     */
    public Verification verify(Long fromPosition, Long toPosition, boolean full) {
        chainer.chainNow();
        return verifier.verify(checkpoints.startFor(trustedKeyIds, fromPosition, toPosition, full), toPosition);
    }

    /**
     * Verifies the access log's own chain (V41) from its first entry, and that it still holds every head a trusted
     * key signed (V48).
     */
    public AccessChainVerifier.Verification verifyAccessLog() {
        return accessVerifier.verify(accessCheckpoints.trusted(trustedKeyIds));
    }

    /** The newest {@code limit} signed checkpoints, each checked against the keys this process trusts. */
    public java.util.List<Checkpoints.Reviewed> recentCheckpoints(int limit) {
        return checkpoints.recent(trustedKeyIds, limit);
    }

    /** Verifies the access log's entries since its last checkpoint and signs its head when intact. */
    public AccessCheckpoints.Result checkpointAccessLog() {
        AccessCheckpoints.Result result = accessCheckpoints.checkpoint(signingKey, publicKey, clock.instant());
        if (!result.verification().intact()) {
            log.error("The access log failed verification; no checkpoint signed: {}",
                    result.verification().summary());
        }
        return result;
    }

    /** Chains what has committed, verifies what is new since the last checkpoint and signs the head when intact. */
    public Checkpoints.Result checkpoint() {
        chainer.chainNow();
        Checkpoints.Result result = checkpoints.checkpoint(signingKey, publicKey, clock.instant());
        if (!result.verification().intact()
                && result.verification().firstBreak().kind() == LogVerifier.Kind.LAGGING) {
            log.warn("Committed events wait for the hash chain longer than the chain window: {}",
                    result.verification().summary());
        } else if (!result.verification().intact()) {
            log.error("The event log failed verification; no checkpoint signed: {}", result.verification().summary());
        }
        return result;
    }

    /** This process's public key (base64 X.509), for an officer to pin with --public-key. */
    public String publicKey() {
        return Base64.getEncoder().encodeToString(publicKey);
    }

    private static KeyPair keyPair(String configured, String configuredPublic, boolean demoKeysExpected) {
        try {
            if (configured == null || configured.isBlank()) {
                KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                // Expected on a laptop (the local profile): said, but not as a warning.
                log.atLevel(demoKeysExpected ? Level.INFO : Level.WARN)
                        .log("No careloop.ledger.signing-key configured: checkpoints are signed with a key made for this "
                                + "process (public key {}); set CARELOOP_LEDGER_SIGNING_KEY for checkpoints a verifier can "
                                + "trust across restarts",
                        Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
                return pair;
            }
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            PrivateKey key = factory.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(configured.trim())));
            if (configuredPublic == null || configuredPublic.isBlank()) {
                throw new IllegalStateException("careloop.ledger.signing-key needs careloop.ledger.public-key "
                        + "(CARELOOP_LEDGER_PUBLIC_KEY) too; `java -jar app.jar ledger-keygen` prints a pair");
            }
            return new KeyPair(CheckpointSignature.publicKey(Base64.getDecoder().decode(configuredPublic.trim())), key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("careloop.ledger.signing-key is not a base64 PKCS#8 Ed25519 key", e);
        }
    }

    @Override
    protected void runOnce() {
        try {
            checkpoint();
        } finally {
            checkpointAccessLog();
        }
    }
}

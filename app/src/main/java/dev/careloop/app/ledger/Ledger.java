package dev.careloop.app.ledger;

import dev.careloop.app.ledger.LogVerifier.Start;
import dev.careloop.app.ledger.LogVerifier.Verification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The log's tamper evidence in this process: verifies the hash chain on request and signs a checkpoint every
 * {@code careloop.ledger.checkpoint-interval} with the Ed25519 key pair {@code careloop.ledger.signing-key}
 * (CARELOOP_LEDGER_SIGNING_KEY, base64 PKCS#8) and {@code careloop.ledger.public-key} (CARELOOP_LEDGER_PUBLIC_KEY,
 * base64 X.509). Without a configured key a key is made for this process and its public half logged:
 * checkpoints then only vouch for what this process saw.
 */
@Component
public class Ledger implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Ledger.class);

    private final LogVerifier verifier;
    private final Checkpoints checkpoints;
    private final PrivateKey signingKey;
    private final byte[] publicKey;
    private final Set<String> trustedKeyIds = new HashSet<>();
    private final Duration interval;
    private final Clock clock;
    private volatile ScheduledExecutorService executor;

    Ledger(DataSource dataSource, @Value("${careloop.ledger.signing-key:}") String signingKey,
           @Value("${careloop.ledger.public-key:}") String signingPublicKey,
           @Value("${careloop.ledger.trusted-keys:}") String trustedKeys,
           @Value("${careloop.ledger.checkpoint-interval:PT1M}") Duration interval) {
        this.verifier = new LogVerifier(dataSource);
        this.checkpoints = new Checkpoints(dataSource);
        KeyPair pair = keyPair(signingKey, signingPublicKey);
        this.signingKey = pair.getPrivate();
        this.publicKey = pair.getPublic().getEncoded();
        this.interval = interval;
        this.clock = Clock.systemUTC();
        trustedKeyIds.add(CheckpointSignature.keyId(publicKey));
        Arrays.stream(trustedKeys.split(",")).map(String::trim).filter(k -> !k.isEmpty())
                .map(Checkpoints::keyIdOf).forEach(trustedKeyIds::add);
    }

    /**
     * Verifies the chain: from the newest trusted checkpoint at or before {@code fromPosition} (or the start,
     * when {@code full}), up to {@code toPosition} (null: the end, where unchained events are looked for too).
     */
    public Verification verify(Long fromPosition, Long toPosition, boolean full) {
        Start start;
        if (fromPosition != null && fromPosition > 0) {
            long after = fromPosition - 1;
            start = full ? verifier.storedLink(after).map(link -> new Start(after, link,
                    "the stored link at position " + after + " (not signed: a range check)")).orElse(Start.BEGINNING)
                    : checkpoints.trustedStart(trustedKeyIds, after);
        } else {
            start = full ? Start.BEGINNING : checkpoints.trustedStart(trustedKeyIds, toPosition);
        }
        return verifier.verify(start, toPosition);
    }

    /** Verifies what is new since the last checkpoint and signs the head when intact. */
    public Checkpoints.Result checkpoint() {
        Checkpoints.Result result = checkpoints.checkpoint(signingKey, publicKey, clock.instant());
        if (!result.verification().intact()) {
            log.error("The event log failed verification; no checkpoint signed: {}", result.verification().summary());
        }
        return result;
    }

    /** This process's public key (base64 X.509), for an officer to pin with --public-key. */
    public String publicKey() {
        return Base64.getEncoder().encodeToString(publicKey);
    }

    private static KeyPair keyPair(String configured, String configuredPublic) {
        try {
            if (configured == null || configured.isBlank()) {
                KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                log.warn("No careloop.ledger.signing-key configured: checkpoints are signed with a key made for this "
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
    public void start() {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "ledger-checkpoints");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::scheduledCheckpoint, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        executor = scheduler;
    }

    private void scheduledCheckpoint() {
        try {
            checkpoint();
        } catch (RuntimeException e) {
            log.warn("Could not write a ledger checkpoint; trying again in {}", interval, e);
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService scheduler = executor;
        if (scheduler != null) {
            scheduler.shutdownNow();
            executor = null;
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}

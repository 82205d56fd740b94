package dev.careloop.app.privacy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each patient's own AES-256 key (table patient_key), made the first time the patient's identity is sealed and
 * destroyed when the patient is erased. Keys are cached for {@code careloop.privacy.key-cache} (default 30 s),
 * which bounds how long another process may still unseal an erased patient. A key is made or read in one statement;
 * one made in a transaction that then rolls back is forgotten with it, so nothing is ever sealed with a key the
 * database does not hold. Key material is never logged.
 */
@Component
public class PatientKeys {

    private static final Logger log = LoggerFactory.getLogger(PatientKeys.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int IV_BYTES = 12;
    /** What a wrapped patient key is bound to (the master key also wraps other secrets). */
    private static final String WRAPPING = "careloop-patient-key";

    private final JdbcTemplate jdbc;
    private final MasterKey masterKey;
    private final Duration cacheFor;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /** A key, or its absence once erased, as seen at {@code at}. */
    private record Cached(Optional<SecretKey> key, Instant at) {
    }

    PatientKeys(JdbcTemplate jdbc, MasterKey masterKey,
                @Value("${careloop.privacy.key-cache:PT30S}") Duration cacheFor,
                @Value("${careloop.demo-keys-expected:false}") boolean demoKeysExpected) {
        this.jdbc = jdbc;
        this.cacheFor = cacheFor;
        this.masterKey = masterKey;
        if (!masterKey.configured()) {
            // Expected on a laptop (the local profile): said, but not as a warning.
            log.atLevel(demoKeysExpected ? Level.INFO : Level.WARN)
                    .log("No careloop.privacy.master-key (CARELOOP_PRIVACY_MASTER_KEY): patient keys are stored unwrapped");
        }
    }

    /**
     * The patient's key, made now if the patient has none; empty if the patient was erased. When it is not cached,
     * one statement inserts a new key or, when the patient has a row already, reads it (the insert's conflict leaves
     * that row as it is).
     */
    Optional<SecretKey> keyForSealing(String patientId) {
        Cached cached = fresh(cache.get(patientId));
        if (cached != null) {
            // A key, or an erased patient's row without one.
            return cached.key();
        }
        byte[] made = wrap(newKey().getEncoded());
        List<Stored> rows = jdbc.query("WITH made AS (INSERT INTO patient_key (patient_id, key_material, wrapped) "
                        + "VALUES (?, ?, ?) ON CONFLICT (patient_id) DO NOTHING RETURNING key_material) "
                        + "SELECT key_material, true AS made FROM made "
                        + "UNION ALL SELECT key_material, false FROM patient_key WHERE patient_id = ?",
                (row, n) -> new Stored(row.getBytes(1), row.getBoolean(2)),
                patientId, made, masterKey.configured(), patientId);
        if (rows.isEmpty()) {
            // Another transaction made the key after this statement began: its row is there to read now.
            return key(patientId);
        }
        Stored stored = rows.get(0);
        Cached found = cached(stored.material());
        cache.put(patientId, found);
        if (stored.made()) {
            forgetIfRolledBack(patientId, found);
        }
        return found.key();
    }

    /** A patient_key row as the make-or-read statement answers it. */
    private record Stored(byte[] material, boolean made) {
    }

    /**
     * A key made in a transaction exists only if that transaction commits: should it roll back, the cached key
     * goes too, else the next event about the patient would be sealed with a key no one can read back.
     */
    private void forgetIfRolledBack(String patientId, Cached made) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                if (status != STATUS_COMMITTED) {
                    cache.remove(patientId, made);
                }
            }
        });
    }

    /** The patient's key for unsealing; empty if there is none (erased). */
    Optional<SecretKey> key(String patientId) {
        return lookup(patientId).flatMap(Cached::key);
    }

    /**
     * Caches every patient's key (or erasure) as seen now, in one query: for reading the whole log (a rebuild),
     * where one lookup per patient would cost a round trip each. The same expiry applies as to any lookup.
     */
    public int prefetch() {
        Instant now = clock.instant();
        int[] count = {0};
        jdbc.query("SELECT patient_id, key_material FROM patient_key", rs -> {
            byte[] material = rs.getBytes(2);
            cache.put(rs.getString(1), new Cached(material == null ? Optional.empty()
                    : Optional.of(new SecretKeySpec(unwrap(material), "AES")), now));
            count[0]++;
        });
        return count[0];
    }

    /** The patient's row as seen now (cached): empty when the patient has none yet. */
    private Optional<Cached> lookup(String patientId) {
        Cached cached = fresh(cache.get(patientId));
        if (cached != null) {
            return Optional.of(cached);
        }
        List<byte[]> material = jdbc.query("SELECT key_material FROM patient_key WHERE patient_id = ?",
                (row, n) -> row.getBytes(1), patientId);
        if (material.isEmpty()) {
            return Optional.empty();
        }
        Cached found = cached(material.get(0));
        cache.put(patientId, found);
        return Optional.of(found);
    }

    /** The cached entry while it is younger than the cache's expiry, else null. */
    private Cached fresh(Cached cached) {
        return cached != null && cached.at().plus(cacheFor).isAfter(clock.instant()) ? cached : null;
    }

    /** A stored key (null once erased) as cached now. */
    private Cached cached(byte[] material) {
        return new Cached(material == null ? Optional.empty()
                : Optional.of(new SecretKeySpec(unwrap(material), "AES")), clock.instant());
    }

    /** Destroys the patient's key (in the caller's transaction); true if there was one to destroy. */
    public boolean destroy(String patientId) {
        int destroyed = jdbc.update("UPDATE patient_key SET key_material = NULL, erased_at = now() "
                + "WHERE patient_id = ? AND erased_at IS NULL", patientId);
        if (destroyed == 0) {
            // Never sealed before (or already erased): record the erasure so later events are not sealed anew.
            jdbc.update("INSERT INTO patient_key (patient_id, key_material, wrapped, erased_at) "
                    + "VALUES (?, NULL, false, now()) ON CONFLICT (patient_id) DO NOTHING", patientId);
        }
        cache.put(patientId, new Cached(Optional.empty(), clock.instant()));
        return destroyed > 0;
    }

    private static SecretKey newKey() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256, RANDOM);
            return generator.generateKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no AES on this Java", e);
        }
    }

    private byte[] wrap(byte[] key) {
        return masterKey.wrap(key, WRAPPING);
    }

    private byte[] unwrap(byte[] stored) {
        return masterKey.unwrap(stored, WRAPPING);
    }

    /**
     * AES-256-GCM with a random 96-bit IV stored in front of the ciphertext. A cipher per thread: looking one up
     * through the providers took a tenth of a rebuild's decoding.
     */
    static final class Aes {
        private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> {
            try {
                return Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no AES/GCM on this Java", e);
            }
        });

        private Aes() {
        }

        static byte[] seal(SecretKey key, byte[] plain, byte[] associated) {
            try {
                byte[] iv = new byte[IV_BYTES];
                RANDOM.nextBytes(iv);
                Cipher cipher = CIPHER.get();
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
                cipher.updateAAD(associated);
                byte[] sealed = cipher.doFinal(plain);
                byte[] out = new byte[IV_BYTES + sealed.length];
                System.arraycopy(iv, 0, out, 0, IV_BYTES);
                System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
                return out;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("could not seal", e);
            }
        }

        static byte[] open(SecretKey key, byte[] sealed, byte[] associated) {
            try {
                Cipher cipher = CIPHER.get();
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, IV_BYTES));
                cipher.updateAAD(associated);
                return cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("could not open a sealed value: wrong key, or it was altered", e);
            }
        }
    }
}

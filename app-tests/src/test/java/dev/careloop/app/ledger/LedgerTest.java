package dev.careloop.app.ledger;

import dev.careloop.app.ledger.LogVerifier.Kind;
import dev.careloop.app.ledger.LogVerifier.Start;
import dev.careloop.app.ledger.LogVerifier.Verification;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The log's hash chain: linked by the chainer after events commit, recomputed by the verifier, which
 * names the first event whose content, order or presence no longer matches; signed checkpoints let a verifier
 * trust a prefix. Each test tampers with its own database as a superuser would (triggers disabled).
 */
class LedgerTest {

    private final LedgerDatabase db = LedgerDatabase.fresh();
    private final LogVerifier verifier = new LogVerifier(db.dataSource);

    @Test
    void anUntouchedLogIsIntactUpToItsLastEvent() {
        long last = db.appendMany(20);
        db.chain();

        Verification v = verifier.verify(Start.BEGINNING, null);

        assertThat(v.intact()).isTrue();
        assertThat(v.eventsChecked()).isEqualTo(20);
        assertThat(v.verifiedUpToGlobalIndex()).isEqualTo(last);
        assertThat(v.summary()).startsWith("intact up to event " + last + " (chain position 20)");
    }

    @Test
    void theChainerLinksEveryCommittedEventInOrder() {
        db.appendMany(3);
        db.chain();

        assertThat(db.jdbc.queryForObject("SELECT count(*) FROM event_chain", Long.class)).isEqualTo(3);
        assertThat(db.jdbc.queryForList("SELECT position FROM event_chain ORDER BY position", Long.class))
                .containsExactly(1L, 2L, 3L);
    }

    @Test
    void alteringOnePayloadByteIsDetectedAtThatEvent() {
        db.appendMany(12);
        db.chain();
        db.asSuperuserWithoutTriggers("domain_event_entry",
                "UPDATE domain_event_entry SET payload = overlay(payload placing '\\x41'::bytea from 5 for 1) "
                        + "WHERE global_index = 7");

        Verification v = verifier.verify(Start.BEGINNING, null);

        assertThat(v.intact()).isFalse();
        assertThat(v.firstBreak().kind()).isEqualTo(Kind.CONTENT);
        assertThat(v.firstBreak().position()).isEqualTo(7);
        assertThat(v.firstBreak().globalIndex()).isEqualTo(7);
        assertThat(v.verifiedUpToGlobalIndex()).isEqualTo(6);
    }

    @Test
    void deletingAnEventIsDetectedWhereItWas() {
        db.appendMany(12);
        db.chain();
        db.asSuperuserWithoutTriggers("domain_event_entry", "DELETE FROM domain_event_entry WHERE global_index = 9");

        Verification v = verifier.verify(Start.BEGINNING, null);

        assertThat(v.firstBreak().kind()).isEqualTo(Kind.MISSING);
        assertThat(v.firstBreak().position()).isEqualTo(9);
        assertThat(v.firstBreak().globalIndex()).isEqualTo(9);
    }

    @Test
    void swappingTwoEventsIsDetectedAtTheFirstAndSaysWhereItBelongs() {
        db.appendMany(12);
        db.chain();
        // Every column but the global index trades places between events 4 and 11.
        db.jdbc.execute("ALTER TABLE domain_event_entry DISABLE TRIGGER USER");
        db.jdbc.execute("ALTER TABLE domain_event_entry DROP CONSTRAINT domain_event_entry_event_identifier_key");
        db.jdbc.execute("ALTER TABLE domain_event_entry DROP CONSTRAINT "
                + "domain_event_entry_aggregate_identifier_sequence_number_key");
        db.jdbc.update("""
                UPDATE domain_event_entry d SET aggregate_identifier = o.aggregate_identifier,
                    sequence_number = o.sequence_number, event_identifier = o.event_identifier,
                    payload = o.payload, meta_data = o.meta_data, time_stamp = o.time_stamp
                FROM domain_event_entry o
                WHERE (d.global_index, o.global_index) IN ((4, 11), (11, 4))""");
        db.jdbc.execute("ALTER TABLE domain_event_entry ENABLE TRIGGER USER");

        Verification v = verifier.verify(Start.BEGINNING, null);

        assertThat(v.firstBreak().kind()).isEqualTo(Kind.ORDER);
        assertThat(v.firstBreak().position()).isEqualTo(4);
        assertThat(v.firstBreak().detail()).contains("appended at chain position 11");
    }

    @Test
    void anEventInsertedBehindTheChainsBackIsDetected() {
        db.appendMany(5);
        db.chain();
        // Where the chainer has already passed (an old transaction id): it will never be chained.
        long inserted = db.append("referral-x", 0, "{\"forged\":true}");
        db.jdbc.update("ALTER TABLE domain_event_entry DISABLE TRIGGER USER");
        db.jdbc.update("UPDATE domain_event_entry SET tx_id = '3'::xid8 WHERE global_index = ?", inserted);
        db.jdbc.update("ALTER TABLE domain_event_entry ENABLE TRIGGER USER");
        db.appendMany(1);
        db.chain();

        Verification v = verifier.verify(Start.BEGINNING, null);

        assertThat(v.firstBreak().kind()).isEqualTo(Kind.UNCHAINED);
        assertThat(v.firstBreak().globalIndex()).isEqualTo(inserted);
    }

    @Test
    void theChainItselfRefusesChanges() {
        db.appendMany(2);
        db.chain();

        assertThatThrownBy(() -> db.jdbc.update("UPDATE event_chain SET event_hash = '\\x00'::bytea"))
                .isInstanceOf(DataAccessException.class).hasStackTraceContaining("event_chain is append-only");
        assertThatThrownBy(() -> db.jdbc.update("DELETE FROM event_chain"))
                .isInstanceOf(DataAccessException.class);
    }

    @Test
    void concurrentAppendsFormOneUnbrokenChain() throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            int writer = w;
            done.add(writers.submit(() -> {
                for (int i = 0; i < 25; i++) {
                    db.append("concurrent-" + writer, i, "{\"n\":" + i + "}");
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        writers.shutdown();
        db.chain();

        Verification v = verifier.verify(Start.BEGINNING, null);

        assertThat(v.intact()).as(v.summary()).isTrue();
        assertThat(v.eventsChecked()).isEqualTo(200);
    }

    @Test
    void aSignedCheckpointLetsAVerifierTrustThePrefixWithoutRereadingIt() throws Exception {
        KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Checkpoints checkpoints = new Checkpoints(db.dataSource);
        db.appendMany(10);
        db.chain();
        Checkpoints.Result first = checkpoints.checkpoint(key.getPrivate(), key.getPublic().getEncoded(), Instant.now());
        db.appendMany(5);
        db.chain();
        String keyId = CheckpointSignature.keyId(key.getPublic().getEncoded());

        Start start = checkpoints.trustedStart(Set.of(keyId), null);
        Verification fromCheckpoint = verifier.verify(start, null);

        assertThat(first.written()).isPresent();
        assertThat(start.afterPosition()).isEqualTo(10);
        assertThat(fromCheckpoint.intact()).isTrue();
        assertThat(fromCheckpoint.eventsChecked()).isEqualTo(5);
        // An untrusted key's checkpoints are ignored: the verifier starts at the beginning.
        assertThat(checkpoints.trustedStart(Set.of("0000000000000000"), null).afterPosition()).isZero();
    }

    @Test
    void aCheckpointIsOnlySignedOverAnIntactChain() throws Exception {
        KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        db.appendMany(6);
        db.chain();
        db.asSuperuserWithoutTriggers("domain_event_entry",
                "UPDATE domain_event_entry SET meta_data = convert_to('{}', 'UTF8') WHERE global_index = 3");

        Checkpoints.Result result = new Checkpoints(db.dataSource)
                .checkpoint(key.getPrivate(), key.getPublic().getEncoded(), Instant.now());

        assertThat(result.written()).isEmpty();
        assertThat(result.verification().firstBreak().globalIndex()).isEqualTo(3);
    }

    @Test
    void theCommandLineVerifierExitsZeroWhenIntactAndOneWithTheBreak() {
        db.appendMany(8);
        db.chain();
        String[] args = {"verify-log", "--url", db.url, "--user", "postgres"};

        ByteArrayOutputStream intactOut = new ByteArrayOutputStream();
        int intact = LedgerCommands.run(args, new PrintStream(intactOut, true, StandardCharsets.UTF_8));
        db.asSuperuserWithoutTriggers("domain_event_entry", "DELETE FROM domain_event_entry WHERE global_index = 5");
        ByteArrayOutputStream brokenOut = new ByteArrayOutputStream();
        int broken = LedgerCommands.run(args, new PrintStream(brokenOut, true, StandardCharsets.UTF_8));

        assertThat(intact).isZero();
        assertThat(intactOut.toString(StandardCharsets.UTF_8)).startsWith("intact up to event 8");
        assertThat(broken).isEqualTo(1);
        assertThat(brokenOut.toString(StandardCharsets.UTF_8)).startsWith("BROKEN at chain position 5, event 5: MISSING");
    }

    @Test
    void theCommandLineVerifierExitsTwoWhenItCouldNotRunNeverAsIfTheLogWereBroken() {
        db.appendMany(2);
        db.chain();
        // A port nothing listens on: the connection is refused.
        int refused = verifyLog("--url", "jdbc:postgresql://127.0.0.1:1/careloop?connectTimeout=2", "--user",
                "postgres");
        int noUrl = verifyLog("--user", "postgres");
        int unknownOption = verifyLog("--url", db.url, "--user", "postgres", "--verbose", "yes");
        int badPosition = verifyLog("--url", db.url, "--user", "postgres", "--from", "minus-one");
        int badKey = verifyLog("--url", db.url, "--user", "postgres", "--public-key", "not*base64");
        int missingValue = verifyLog("--url", db.url, "--user");

        assertThat(List.of(refused, noUrl, unknownOption, badPosition, badKey, missingValue)).containsOnly(2);
        assertThat(lastOutput).contains("--user").contains("usage: verify-log");
        assertThat(verifyLog("--url", db.url, "--user", "postgres")).isZero();
    }

    private String lastOutput = "";

    private int verifyLog(String... options) {
        String[] args = new String[options.length + 1];
        args[0] = "verify-log";
        System.arraycopy(options, 0, args, 1, options.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = LedgerCommands.run(args, new PrintStream(out, true, StandardCharsets.UTF_8));
        lastOutput = out.toString(StandardCharsets.UTF_8);
        return status;
    }

    @Test
    void theCommandLineVerifierTrustsCheckpointsOfThePinnedKeyOnly() throws Exception {
        KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        db.appendMany(8);
        db.chain();
        new Checkpoints(db.dataSource).checkpoint(key.getPrivate(), key.getPublic().getEncoded(), Instant.now());
        db.appendMany(2);
        db.chain();
        String pinned = Base64.getEncoder().encodeToString(key.getPublic().getEncoded());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = LedgerCommands.run(new String[]{"verify-log", "--url", db.url, "--user", "postgres",
                "--public-key", pinned}, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("2 events checked from the checkpoint at position 8");
    }
}

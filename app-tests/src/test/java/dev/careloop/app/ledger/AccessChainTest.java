package dev.careloop.app.ledger;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The access log's own hash chain (V41): written by the database as entries are inserted, recomputed in Java by
 * the verifier, which names the first entry whose content, order or presence no longer matches. Tampering is done
 * as a superuser would (triggers disabled); erasure's one allowed change leaves the chain intact.
 */
class AccessChainTest {

    private final LedgerDatabase db = LedgerDatabase.fresh();
    private final AccessChainVerifier verifier = new AccessChainVerifier(db.dataSource);

    @Test
    void anUntouchedAccessLogIsIntactUpToItsLastEntry() {
        insert(12);

        AccessChainVerifier.Verification v = verifier.verify();

        assertThat(v.intact()).as(v.summary()).isTrue();
        assertThat(v.entriesChecked()).isEqualTo(12);
        assertThat(v.summary()).isEqualTo("access log intact up to entry 12, 12 entries checked from the start");
    }

    @Test
    void changingWhoReadIsDetectedAtThatEntry() {
        insert(12);
        db.asSuperuserWithoutTriggers("access_entry",
                "UPDATE access_entry SET organisation = 'lakeside-cardio' WHERE position = 7");

        AccessChainVerifier.Verification v = verifier.verify();

        assertThat(v.intact()).isFalse();
        assertThat(v.firstBreak()).startsWith("entry 7 is not what was recorded");
        assertThat(v.position()).isEqualTo(6);
    }

    @Test
    void rewritingAQueryIsDetectedEvenThoughItsDigestIsKeptApart() {
        insert(5);
        db.asSuperuserWithoutTriggers("access_entry", "UPDATE access_entry SET query = 'q=someone else' "
                + "WHERE position = 3");

        assertThat(verifier.verify().firstBreak()).isEqualTo("entry 3: its query is not what was recorded");
    }

    @Test
    void deletingAnEntryIsDetectedWhereItWas() {
        insert(12);
        db.asSuperuserWithoutTriggers("access_entry", "DELETE FROM access_entry WHERE position = 9");

        AccessChainVerifier.Verification v = verifier.verify();

        assertThat(v.intact()).isFalse();
        assertThat(v.firstBreak()).isEqualTo("entry 9 is gone (the next is 10)");
    }

    @Test
    void anEntryForgedWithItsOwnDigestBreaksTheLinkToTheNext() {
        insert(6);
        // A forger who recomputes the entry's digest after changing it still cannot make the next link follow.
        db.asSuperuserWithoutTriggers("access_entry", "UPDATE access_entry SET allowed = NOT allowed WHERE position = 4");
        db.asSuperuserWithoutTriggers("access_entry",
                "UPDATE access_entry a SET entry_hash = access_digest(a), "
                        + "chain_hash = sha256((SELECT chain_hash FROM access_entry WHERE position = 3) || access_digest(a)) "
                        + "WHERE position = 4");

        assertThat(verifier.verify().firstBreak())
                .isEqualTo("entry 5 does not follow from entry 4 (moved, inserted or the chain rewritten)");
    }

    @Test
    void theDatabaseRefusesChangesAndDeletionsButLetsErasureBlankAQuery() {
        insert(3);

        assertThatThrownBy(() -> db.jdbc.update("UPDATE access_entry SET allowed = false WHERE position = 1"))
                .isInstanceOf(DataAccessException.class).hasStackTraceContaining("append-only");
        assertThatThrownBy(() -> db.jdbc.update("DELETE FROM access_entry"))
                .hasStackTraceContaining("append-only");
        assertThatThrownBy(() -> db.jdbc.update("UPDATE access_entry SET query = '(erased)', allowed = false "
                + "WHERE position = 2")).hasStackTraceContaining("append-only");
        assertThat(db.jdbc.update("UPDATE access_entry SET query = '(erased)' WHERE position = 2")).isEqualTo(1);

        assertThat(verifier.verify().intact()).isTrue();
    }

    @Test
    void verifyLogExitsOneWhenOnlyTheAccessLogWasTamperedWith() {
        insert(4);
        String[] args = {"verify-log", "--url", db.url, "--user", "postgres"};
        assertThat(LedgerCommands.run(args, new PrintStream(new ByteArrayOutputStream()))).isZero();
        db.asSuperuserWithoutTriggers("access_entry", "UPDATE access_entry SET resource_id = 'other' "
                + "WHERE position = 2");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = LedgerCommands.run(args, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("access log BROKEN: entry 2 is not what was recorded");
    }

    /** Entries as the writer inserts them: the trigger sets position, digests and link. */
    private void insert(int count) {
        for (int i = 0; i < count; i++) {
            db.jdbc.update("""
                    INSERT INTO access_entry (accessed_at, request_id, user_id, user_name, client, organisation, roles,
                        purpose_of_use, channel, action, resource_type, resource_id, query, query_digest, returned_ids,
                        patient_id, allowed, reason, position, entry_hash, chain_hash)
                    VALUES (?, ?, 'dr-river', 'Dr River', 'careloop-web', 'riverside-derm', 'clinician', 'TREAT', 'rest',
                        ?, 'Referral', ?, ?, ''::bytea, ?::text[], 'patient-1', ?, ?, 0, ''::bytea, ''::bytea)""",
                    Timestamp.from(Instant.parse("2026-12-01T10:00:00.123456Z").plusSeconds(i)), "request-" + i,
                    i % 2 == 0 ? "R" : "E", i % 2 == 0 ? "referral-" + i : null,
                    i % 2 == 0 ? null : "patient=patient-1&q=Sam Patel", i % 2 == 0 ? "{}" : "{referral-1,referral-2}",
                    i % 3 != 0, i % 3 != 0 ? null : "the organisation takes no part in the referral");
        }
    }
}

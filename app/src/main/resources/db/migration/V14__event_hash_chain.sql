-- Tamper evidence for the log (issue 5): every appended event is chained to the one appended before it,
-- in the transaction that appends it. event_hash digests every column of the stored event (what is stored,
-- so erasing a patient's key, which changes no stored byte, leaves the chain intact); chain_hash links it:
-- sha256(previous chain_hash || event_hash). Appending takes a transaction-scoped advisory lock on the chain's
-- head, so the chain has one order even when transactions commit concurrently (the price: appends to the
-- log are serialised from the insert to the commit; docs/BENCHMARKS.md measures it).

CREATE TABLE event_chain (
    position     BIGINT      NOT NULL PRIMARY KEY,
    global_index BIGINT      NOT NULL UNIQUE,
    event_hash   BYTEA       NOT NULL,
    chain_hash   BYTEA       NOT NULL,
    chained_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- The verifier looks an event's digest up when it is not where the chain says: moved, or swapped.
CREATE INDEX event_chain_event_hash ON event_chain (event_hash);

-- Each column is digested on its own and the digests concatenated, so no two different rows can encode alike.
-- The global index is left out: the chain's own order says where an event belongs, so an event moved to
-- another index is recognised by its digest. dev.careloop.app.ledger.EventDigest computes the same in Java.
CREATE FUNCTION event_digest(e domain_event_entry) RETURNS BYTEA LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(sha256(convert_to(e.event_identifier, 'UTF8'))
               || sha256(convert_to(e.aggregate_identifier, 'UTF8'))
               || sha256(convert_to(e.sequence_number::text, 'UTF8'))
               || sha256(convert_to(coalesce(e.type, ''), 'UTF8'))
               || sha256(convert_to(e.payload_type, 'UTF8'))
               || sha256(convert_to(coalesce(e.payload_revision, ''), 'UTF8'))
               || sha256(convert_to(e.time_stamp, 'UTF8'))
               || sha256(e.payload)
               || sha256(coalesce(e.meta_data, ''::bytea)))
$$;

CREATE FUNCTION chain_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head_position BIGINT;
    head_hash     BYTEA;
    digest        BYTEA;
BEGIN
    -- One chain head for the whole log; released at commit or rollback.
    PERFORM pg_advisory_xact_lock(hashtext('careloop.event_chain'));
    SELECT position, chain_hash INTO head_position, head_hash FROM event_chain ORDER BY position DESC LIMIT 1;
    digest := event_digest(NEW);
    INSERT INTO event_chain (position, global_index, event_hash, chain_hash)
    VALUES (coalesce(head_position, 0) + 1, NEW.global_index, digest,
            sha256(coalesce(head_hash, ''::bytea) || digest));
    RETURN NULL;
END;
$$;

-- Events already in the log (a database upgraded to this version) are chained in global order first.
DO $$
DECLARE
    e             domain_event_entry;
    head_position BIGINT := 0;
    head_hash     BYTEA := ''::bytea;
    digest        BYTEA;
BEGIN
    FOR e IN SELECT * FROM domain_event_entry ORDER BY global_index LOOP
        digest := event_digest(e);
        head_position := head_position + 1;
        head_hash := sha256(head_hash || digest);
        INSERT INTO event_chain (position, global_index, event_hash, chain_hash)
        VALUES (head_position, e.global_index, digest, head_hash);
    END LOOP;
END;
$$;

CREATE TRIGGER domain_event_entry_chain
    AFTER INSERT ON domain_event_entry
    FOR EACH ROW EXECUTE FUNCTION chain_event();

-- The chain is as append-only as the log it protects.
CREATE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER event_chain_append_only
    BEFORE UPDATE OR DELETE ON event_chain
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();

CREATE TRIGGER event_chain_no_truncate
    BEFORE TRUNCATE ON event_chain
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();

-- Signed checkpoints: a verifier that trusts the signing key trusts the chain up to a checkpoint without
-- rereading it. signature = Ed25519 over "careloop-checkpoint|position|hex(chain_hash)|signed_at".
CREATE TABLE chain_checkpoint (
    position   BIGINT      NOT NULL PRIMARY KEY REFERENCES event_chain (position),
    chain_hash BYTEA       NOT NULL,
    signed_at  TIMESTAMPTZ NOT NULL,
    key_id     VARCHAR(64) NOT NULL,
    public_key BYTEA       NOT NULL,
    signature  BYTEA       NOT NULL
);

CREATE TRIGGER chain_checkpoint_append_only
    BEFORE UPDATE OR DELETE ON chain_checkpoint
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();

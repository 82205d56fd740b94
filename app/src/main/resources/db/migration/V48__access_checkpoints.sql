-- Signed checkpoints of the access log's own chain (V41), beside the event log's (chain_checkpoint, V14): the
-- ledger's periodic round signs the access chain's head with the same Ed25519 key. A verifier that trusts the key
-- compares its recomputed link at each checkpoint with the signed one, so an entry changed before a checkpoint is
-- found even when the forger rewrote every later link, and entries cut from the log's end are found too.
-- signature = Ed25519 over "careloop-access-checkpoint|position|hex(chain_hash)|signed_at".
-- No foreign key to access_entry: a checkpoint is evidence about entries that may have been removed behind the
-- triggers' back, and must outlive them.
CREATE TABLE access_checkpoint (
    position   BIGINT      NOT NULL PRIMARY KEY,
    chain_hash BYTEA       NOT NULL,
    signed_at  TIMESTAMPTZ NOT NULL,
    key_id     VARCHAR(64) NOT NULL,
    public_key BYTEA       NOT NULL,
    signature  BYTEA       NOT NULL
);

CREATE TRIGGER access_checkpoint_append_only
    BEFORE UPDATE OR DELETE ON access_checkpoint
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();

CREATE TRIGGER access_checkpoint_no_truncate
    BEFORE TRUNCATE ON access_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();

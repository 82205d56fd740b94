-- The hash chain off the commit path (issue 19). V14 chained each event in the transaction that appended it,
-- under one advisory lock held from the insert to the end of COMMIT: every append on the platform ran one at a
-- time. Now appends only record their transaction id; a single chainer (chain_committed_events, run by the
-- application's Chainer on commit and every 250 ms) links committed events into the same event_chain afterwards,
-- and tells the other nodes the log grew.
--
-- Order: by (tx_id, global_index), and only events whose transaction is below the oldest transaction still running
-- (pg_snapshot_xmin). Every transaction below it has ended, so no event can still appear in that part of the order:
-- the chained prefix never needs an insertion, and an event that commits late with a lower global_index is chained
-- when its transaction ends, after the events chained before, never skipped. event_chain.position is the chain's
-- own sequence number; the verifier walks it, not the global index.

ALTER TABLE domain_event_entry ADD COLUMN tx_id xid8;
-- Added without a default first, so existing rows stay NULL (no table rewrite): the trigger chained them already.
ALTER TABLE domain_event_entry ALTER COLUMN tx_id SET DEFAULT pg_current_xact_id();
CREATE INDEX domain_event_entry_chain_order ON domain_event_entry (tx_id, global_index);

DROP TRIGGER domain_event_entry_chain ON domain_event_entry;
DROP FUNCTION chain_event();

-- V30's NOTIFY careloop_log on every append goes too: PostgreSQL commits notifying transactions one at a time under
-- a global lock, which serialised appends as much as the chain's lock did (measured: docs/BENCHMARKS.md). The
-- application's Chainer notifies instead, once per wake-up after its own node's appends committed (coalesced under
-- load), and this function once per batch it links; every node also polls once a second regardless.
DROP TRIGGER IF EXISTS domain_event_entry_notify ON domain_event_entry;

-- Where the chainer stands: the last event it linked, in its order, and that link. One row; the chainer locks it,
-- so on several nodes one chainer works at a time.
CREATE TABLE event_chain_progress (
    singleton    BOOLEAN     NOT NULL PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    position     BIGINT      NOT NULL,
    tx_id        xid8,
    global_index BIGINT      NOT NULL,
    chain_hash   BYTEA       NOT NULL,
    chained_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

INSERT INTO event_chain_progress (position, tx_id, global_index, chain_hash)
SELECT coalesce(max(position), 0), NULL, coalesce(max(global_index), 0),
       coalesce((SELECT chain_hash FROM event_chain ORDER BY position DESC LIMIT 1), ''::bytea)
FROM event_chain;

-- Links up to max_rows committed events after the progress row; returns how many. Events from before this version
-- (tx_id NULL) were chained by the trigger; an event whose place in the order the chainer has already passed can
-- never be chained, and the verifier reports it as inserted behind the log's back.
CREATE FUNCTION chain_committed_events(max_rows INTEGER) RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
    progress event_chain_progress;
    horizon  xid8 := pg_snapshot_xmin(pg_current_snapshot());
    e        domain_event_entry;
    digest   BYTEA;
    linked   INTEGER := 0;
BEGIN
    SELECT * INTO progress FROM event_chain_progress FOR UPDATE;
    FOR e IN SELECT * FROM domain_event_entry d
             WHERE d.tx_id < horizon
               AND (d.tx_id, d.global_index) > (coalesce(progress.tx_id, '0'::xid8), progress.global_index)
             ORDER BY d.tx_id, d.global_index
             LIMIT max_rows LOOP
        digest := event_digest(e);
        progress.position := progress.position + 1;
        progress.chain_hash := sha256(progress.chain_hash || digest);
        progress.tx_id := e.tx_id;
        progress.global_index := e.global_index;
        INSERT INTO event_chain (position, global_index, event_hash, chain_hash)
        VALUES (progress.position, e.global_index, digest, progress.chain_hash);
        linked := linked + 1;
    END LOOP;
    IF linked > 0 THEN
        UPDATE event_chain_progress
        SET position = progress.position, tx_id = progress.tx_id, global_index = progress.global_index,
            chain_hash = progress.chain_hash, chained_at = now();
        PERFORM pg_notify('careloop_log', '');
    END IF;
    RETURN linked;
END;
$$;

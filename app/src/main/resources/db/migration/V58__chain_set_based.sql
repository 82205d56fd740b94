-- The chainer links a round in three statements instead of two per event (issue 19), and a round with nothing to link
-- writes nothing. V47 digested each event with a call of event_digest from PL/pgSQL and inserted each link on its own;
-- now the round's events are digested in one query, their links folded in order in memory, and all of them inserted
-- by one INSERT ... SELECT. The links are the same: same order (tx_id, global_index), same digest, same
-- sha256(previous link || digest). Measured on a backlog of 5,000 events both versions take about 0.03 ms an event;
-- under load a round links a few events and costs about its fixed part, so the gain is in the statements.
--
-- V47 locked the progress row in every round. A row lock takes a transaction id and writes, so every round that
-- found nothing (four a second on an idle node, per node) was a commit flushed to the WAL of its own. Now a round
-- reads the progress row without a lock first and ends there when nothing waits.

CREATE OR REPLACE FUNCTION chain_committed_events(max_rows INTEGER) RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
    progress event_chain_progress;
    horizon  xid8 := pg_snapshot_xmin(pg_current_snapshot());
    indexes  BIGINT[];
    tx_ids   xid8[];
    digests  BYTEA[];
    links    BYTEA[];
    linked   INTEGER;
BEGIN
    -- Read without a lock first: when nothing waits, the round ends here, writing nothing.
    SELECT * INTO progress FROM event_chain_progress;
    IF NOT EXISTS (SELECT 1 FROM domain_event_entry d
                   WHERE d.tx_id < horizon
                     AND (d.tx_id, d.global_index) > (coalesce(progress.tx_id, '0'::xid8), progress.global_index)) THEN
        RETURN 0;
    END IF;
    -- Something waits: lock the progress row (one chainer at a time) and read it again, as another may have moved it.
    SELECT * INTO progress FROM event_chain_progress FOR UPDATE;
    SELECT array_agg(s.global_index ORDER BY s.tx_id, s.global_index),
           array_agg(s.tx_id ORDER BY s.tx_id, s.global_index),
           array_agg(s.digest ORDER BY s.tx_id, s.global_index)
    INTO indexes, tx_ids, digests
    FROM (SELECT d.global_index, d.tx_id, event_digest(d) AS digest
          FROM domain_event_entry d
          WHERE d.tx_id < horizon
            AND (d.tx_id, d.global_index) > (coalesce(progress.tx_id, '0'::xid8), progress.global_index)
          ORDER BY d.tx_id, d.global_index
          LIMIT max_rows) s;
    linked := coalesce(array_length(indexes, 1), 0);
    IF linked = 0 THEN
        RETURN 0;
    END IF;
    links := array_fill(NULL::bytea, ARRAY[linked]);
    FOR i IN 1..linked LOOP
        progress.chain_hash := sha256(progress.chain_hash || digests[i]);
        links[i] := progress.chain_hash;
    END LOOP;
    INSERT INTO event_chain (position, global_index, event_hash, chain_hash)
    SELECT progress.position + u.n, u.global_index, u.digest, u.link
    FROM unnest(indexes, digests, links) WITH ORDINALITY AS u(global_index, digest, link, n);
    UPDATE event_chain_progress
    SET position = progress.position + linked, tx_id = tx_ids[linked], global_index = indexes[linked],
        chain_hash = progress.chain_hash, chained_at = now();
    PERFORM pg_notify('careloop_log', '');
    RETURN linked;
END;
$$;

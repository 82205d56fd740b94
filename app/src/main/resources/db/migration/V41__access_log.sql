-- The access log (issue 17): one row per read of patient data, on REST and /fhir, allowed or refused. Written in
-- batches by AccessLogWriter (group commit: a read is answered after its row commits). Append-only like the event
-- log, and hash-chained in the row itself: entry_hash digests the stored columns (the query by its digest, so
-- erasing a patient's query text leaves the chain intact), chain_hash = sha256(previous chain_hash || entry_hash).
-- A transaction-scoped advisory lock (not the event chain's) gives the chain one order across nodes; one writer
-- batch takes it once, so the price is paid per batch, not per read.

CREATE TABLE access_entry (
    position       BIGINT      NOT NULL PRIMARY KEY,  -- set by the chain trigger: 1, 2, 3... with no gap
    accessed_at    TIMESTAMPTZ NOT NULL,
    request_id     TEXT,
    user_id        TEXT        NOT NULL,
    user_name      TEXT,
    client         TEXT,
    organisation   TEXT        NOT NULL,
    roles          TEXT        NOT NULL,
    purpose_of_use TEXT        NOT NULL,
    channel        TEXT        NOT NULL,
    action         CHAR(1)     NOT NULL CHECK (action IN ('R', 'E')),  -- BALP: R read, E search
    resource_type  TEXT        NOT NULL,
    resource_id    TEXT,        -- unbounded (TEXT): whatever a caller asked for is recorded, not refused
    query          TEXT,
    query_digest   BYTEA       NOT NULL,
    returned_ids   TEXT[]      NOT NULL DEFAULT '{}',
    patient_id     TEXT,
    allowed        BOOLEAN     NOT NULL,
    reason         TEXT,
    entry_hash     BYTEA       NOT NULL,
    chain_hash     BYTEA       NOT NULL
);
CREATE INDEX access_entry_patient ON access_entry (patient_id, accessed_at) WHERE patient_id IS NOT NULL;
CREATE INDEX access_entry_resource ON access_entry (resource_type, resource_id) WHERE resource_id IS NOT NULL;
CREATE INDEX access_entry_organisation ON access_entry (organisation, accessed_at);
CREATE INDEX access_entry_accessed_at ON access_entry (accessed_at);
CREATE INDEX access_entry_entry_hash ON access_entry (entry_hash);

-- Each column digested on its own, the digests concatenated (as event_digest): no two different rows encode alike.
-- The instant by its microseconds since the epoch, so no session time zone changes it. The position is left out:
-- the chain's order says where an entry belongs. dev.careloop.app.access.AccessDigest computes the same in Java.
CREATE FUNCTION access_digest(a access_entry) RETURNS BYTEA LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(sha256(convert_to((extract(epoch FROM a.accessed_at) * 1000000)::bigint::text, 'UTF8'))
               || sha256(convert_to(coalesce(a.request_id, ''), 'UTF8'))
               || sha256(convert_to(a.user_id, 'UTF8'))
               || sha256(convert_to(coalesce(a.user_name, ''), 'UTF8'))
               || sha256(convert_to(coalesce(a.client, ''), 'UTF8'))
               || sha256(convert_to(a.organisation, 'UTF8'))
               || sha256(convert_to(a.roles, 'UTF8'))
               || sha256(convert_to(a.purpose_of_use, 'UTF8'))
               || sha256(convert_to(a.channel, 'UTF8'))
               || sha256(convert_to(a.action, 'UTF8'))
               || sha256(convert_to(a.resource_type, 'UTF8'))
               || sha256(convert_to(coalesce(a.resource_id, ''), 'UTF8'))
               || a.query_digest
               || sha256(convert_to(array_to_string(a.returned_ids, E'\n'), 'UTF8'))
               || sha256(convert_to(coalesce(a.patient_id, ''), 'UTF8'))
               || sha256(convert_to(a.allowed::text, 'UTF8'))
               || sha256(convert_to(coalesce(a.reason, ''), 'UTF8')))
$$;

CREATE FUNCTION chain_access() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head_position BIGINT;
    head_hash     BYTEA;
BEGIN
    -- One head for the access chain; released at commit or rollback.
    PERFORM pg_advisory_xact_lock(hashtext('careloop.access_chain'));
    SELECT position, chain_hash INTO head_position, head_hash FROM access_entry ORDER BY position DESC LIMIT 1;
    NEW.position := coalesce(head_position, 0) + 1;
    NEW.query_digest := sha256(convert_to(coalesce(NEW.query, ''), 'UTF8'));
    NEW.entry_hash := ''::bytea;
    NEW.chain_hash := ''::bytea;
    NEW.entry_hash := access_digest(NEW);
    NEW.chain_hash := sha256(coalesce(head_hash, ''::bytea) || NEW.entry_hash);
    RETURN NEW;
END;
$$;

CREATE TRIGGER access_entry_chain
    BEFORE INSERT ON access_entry
    FOR EACH ROW EXECUTE FUNCTION chain_access();

-- Append-only, with one exception: erasure replaces a query's text (which may name the patient) with the erased
-- placeholder and changes nothing else; the stored query_digest keeps the chain verifiable.
CREATE FUNCTION refuse_access_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kept access_entry;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.query = '(erased)' THEN
        kept := NEW;
        kept.query := OLD.query;
        IF kept IS NOT DISTINCT FROM OLD THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'access_entry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER access_entry_append_only
    BEFORE UPDATE OR DELETE ON access_entry
    FOR EACH ROW EXECUTE FUNCTION refuse_access_change();

CREATE TRIGGER access_entry_no_truncate
    BEFORE TRUNCATE ON access_entry
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_access_change();

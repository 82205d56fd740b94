-- CareLoop on several nodes sharing this database (docs/OPERATIONS.md).

-- Each node says it is alive here; a node shares the event processors' segments with the nodes seen lately.
CREATE TABLE careloop_node (
    node_id    TEXT PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    seen_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The last round of each periodic task (checkpoints, dead-letter retries): a node runs a round only when it moves
-- this from a time at least one interval ago, so the nodes together run one round per interval, not one each.
CREATE TABLE periodic_task_round (
    task_name  TEXT PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    node_id    TEXT NOT NULL
);

-- Wake-ups on commit: every node LISTENs. careloop_log: the log grew (event processors fetch now instead of at
-- their next poll); careloop_progress: a processor stored a new token (readers waiting for a position look again).
-- One notification per statement; PostgreSQL folds identical ones of a transaction into one.
CREATE FUNCTION notify_log_appended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('careloop_log', '');
    RETURN NULL;
END $$;

CREATE TRIGGER domain_event_entry_notify
    AFTER INSERT ON domain_event_entry
    FOR EACH STATEMENT EXECUTE FUNCTION notify_log_appended();

CREATE FUNCTION notify_processor_progress() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('careloop_progress', NEW.processor_name);
    RETURN NULL;
END $$;

CREATE TRIGGER token_entry_notify
    AFTER INSERT OR UPDATE OF token ON token_entry
    FOR EACH ROW WHEN (NEW.token IS NOT NULL) EXECUTE FUNCTION notify_processor_progress();

-- Which scheduled deadline belongs to which aggregate: Axon's db-scheduler deadline manager can only
-- cancel "all deadlines of a scope" by reading every pending deadline; this index makes it a lookup.
CREATE TABLE deadline_schedule (
    schedule_id   VARCHAR(255) NOT NULL PRIMARY KEY,
    deadline_name VARCHAR(255) NOT NULL,
    scope         VARCHAR(512) NOT NULL,
    due_at        TIMESTAMPTZ  NOT NULL
);
CREATE INDEX deadline_schedule_scope ON deadline_schedule (deadline_name, scope);

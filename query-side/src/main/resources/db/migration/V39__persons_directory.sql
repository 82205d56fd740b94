-- Who read a record, by name: the person's display name beside the subject in user_id (event metadata userName), so
-- the sharing clinic's "who read it" names Dr Priya Shah rather than priya.shah. Null for service accounts, partner
-- systems and every disclosure recorded before persons logged in.
ALTER TABLE record_disclosure ADD COLUMN user_name TEXT;

-- The persons directory (GET /api/persons): who works for each organisation, for choosing an assignee. Two sources:
-- person_seen, the persons who have acted (event metadata userId and userName, with the roles and organisation they
-- acted with), a read model of the audit group rebuilt from the log; and person_known, the persons an identity
-- provider this process runs knows (the local issuer's demo persons), kept in step at each start and never rebuilt.
CREATE TABLE person_seen (
    organisation_id TEXT        NOT NULL,
    subject         TEXT        NOT NULL,
    name            TEXT        NOT NULL,
    roles           TEXT[]      NOT NULL DEFAULT '{}',
    last_acted_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organisation_id, subject)
);

CREATE TABLE person_known (
    organisation_id TEXT   NOT NULL,
    subject         TEXT   NOT NULL,
    name            TEXT   NOT NULL,
    title           TEXT,
    roles           TEXT[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (organisation_id, subject)
);

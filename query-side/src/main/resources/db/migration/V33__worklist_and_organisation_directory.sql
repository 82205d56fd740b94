-- The worklist (issue 16). referral_view learns who a referral is assigned to at the receiving organisation, where
-- its appointment stands for the visit rules (none, booked, missed, cancelled: what "allowed actions" needs), and
-- the normalised search tokens of its patient name, MRN and referral number (ReferralSearchTokens): a search is an
-- index lookup among one organisation's rows, never a decryption or a scan of every name.
ALTER TABLE referral_view
    ADD COLUMN assignee          TEXT,
    ADD COLUMN assignee_name     TEXT,
    ADD COLUMN visit             TEXT   NOT NULL DEFAULT 'none',
    ADD COLUMN search_tokens     TEXT[] NOT NULL DEFAULT '{}';
CREATE INDEX referral_view_search ON referral_view USING GIN (search_tokens);
-- The inbox and outbox sorted by due date, soonest first (the worklist's default order).
CREATE INDEX referral_view_inbox_due ON referral_view (recipient_org, sla_due_at, referral_id);
CREATE INDEX referral_view_outbox_due ON referral_view (initiator_org, sla_due_at, referral_id);

-- The organisation directory: what each organisation offers (a code and a name), configured per organisation
-- (careloop.organisations.<org>.services) and kept in step at start. Read by the query side (the directory API) and
-- the command side (a new referral asks for a service its recipient offers); organisation ids as in organisation.
CREATE TABLE organisation_service (
    organisation_id TEXT NOT NULL,
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    PRIMARY KEY (organisation_id, code)
);

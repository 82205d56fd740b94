-- Partnership goals (issue 20, docs/ANALYTICS.md "Partnership goals"), projected from the PartnershipGoal aggregate's
-- events by the "analytics" group. One row per goal, withdrawn ones kept; direction is seen from the organisation
-- that set it. set_by / withdrawn_by: the person's name, else the client or subject that acted.
CREATE TABLE partnership_goal (
    goal_id          TEXT             PRIMARY KEY,
    version          BIGINT           NOT NULL,
    organisation     TEXT             NOT NULL,
    partner_org      TEXT             NOT NULL,
    measure          TEXT             NOT NULL,
    comparison       TEXT             NOT NULL,
    target           DOUBLE PRECISION NOT NULL,
    within_days      INTEGER,
    priority         TEXT,
    service          TEXT,
    direction        TEXT             NOT NULL,
    reason           TEXT             NOT NULL,
    set_by           TEXT,
    set_at           TIMESTAMPTZ      NOT NULL,
    withdrawn_by     TEXT,
    withdrawn_at     TIMESTAMPTZ,
    withdraw_reason  TEXT
);
CREATE INDEX partnership_goal_pair ON partnership_goal (organisation, partner_org);
CREATE INDEX partnership_goal_partner ON partnership_goal (partner_org, organisation);

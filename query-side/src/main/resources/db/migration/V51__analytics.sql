-- Partnership analytics (issue 20, docs/ANALYTICS.md), derived from the log by the "analytics" group. Neither table
-- holds clinical text (reason, notes, questions, reports) nor anything that names a patient: an erasure leaves them
-- as they are.

-- One row per referral: who sent it to whom (the recipient now, after any forward), for which service and priority,
-- and when each step first happened. version is the referral's last event applied (its sequence number);
-- hold_started_at is set while the referral waits on hold for information, hold_seconds sums the finished holds.
CREATE TABLE analytics_referral (
    referral_id      TEXT        PRIMARY KEY,
    version          BIGINT      NOT NULL,
    sender_org       TEXT        NOT NULL,
    recipient_org    TEXT        NOT NULL,
    service          TEXT        NOT NULL,
    priority         TEXT        NOT NULL,
    sent_at          TIMESTAMPTZ NOT NULL,
    sla_due_at       TIMESTAMPTZ,
    accepted_at      TIMESTAMPTZ,
    declined_at      TIMESTAMPTZ,
    first_booked_at  TIMESTAMPTZ,
    seen_at          TIMESTAMPTZ,
    outcome_at       TIMESTAMPTZ,
    acknowledged_at  TIMESTAMPTZ,
    cancelled_at     TIMESTAMPTZ,
    forwards         INTEGER     NOT NULL,
    reschedules      INTEGER     NOT NULL,
    no_shows         INTEGER     NOT NULL,
    sla_missed       BOOLEAN     NOT NULL,
    hold_started_at  TIMESTAMPTZ,
    hold_seconds     BIGINT      NOT NULL
);
CREATE INDEX analytics_referral_sender ON analytics_referral (sender_org, recipient_org, sent_at);
CREATE INDEX analytics_referral_recipient ON analytics_referral (recipient_org, sender_org, sent_at);

-- The referrals of each ordered pair of organisations, service, priority and month sent (UTC), summed: counts, and
-- for each turnaround a histogram {bucket: referrals} (bucket 0-71: whole hours; 72 and up: whole days, 72 = 3 days),
-- so that medians and 90th percentiles come from here without reading a referral.
CREATE TABLE analytics_month (
    sender_org         TEXT    NOT NULL,
    recipient_org      TEXT    NOT NULL,
    service            TEXT    NOT NULL,
    priority           TEXT    NOT NULL,
    month              DATE    NOT NULL,
    referrals          INTEGER NOT NULL,
    accepted           INTEGER NOT NULL,
    declined           INTEGER NOT NULL,
    forwarded          INTEGER NOT NULL,
    cancelled          INTEGER NOT NULL,
    booked             INTEGER NOT NULL,
    seen               INTEGER NOT NULL,
    outcomes           INTEGER NOT NULL,
    acknowledged       INTEGER NOT NULL,
    sla_met            INTEGER NOT NULL,
    sla_missed         INTEGER NOT NULL,
    no_shows           INTEGER NOT NULL,
    reschedules        INTEGER NOT NULL,
    held               INTEGER NOT NULL,
    hold_seconds       BIGINT  NOT NULL,
    triage_hist        JSONB   NOT NULL,
    booked_hist        JSONB   NOT NULL,
    seen_hist          JSONB   NOT NULL,
    outcome_hist       JSONB   NOT NULL,
    acknowledge_hist   JSONB   NOT NULL,
    closed_hist        JSONB   NOT NULL,
    PRIMARY KEY (sender_org, recipient_org, service, priority, month)
);
CREATE INDEX analytics_month_recipient ON analytics_month (recipient_org, sender_org, month);

-- Partnership analytics, a roll-up for speed (issue 20, docs/ANALYTICS.md "Speed"): analytics_month summed over
-- services and priorities, one row per ordered pair of organisations and month sent. The dashboard and the network
-- view read these (about ten times fewer rows, and fewer histogram buckets, than the month rows of every service and
-- priority); a partnership's detail, its slices, goals and reports still read analytics_month. The analytics group
-- keeps both, each the sum of its referrals, and rebuilds both.
CREATE TABLE analytics_pair_month (
    sender_org                    TEXT    NOT NULL,
    recipient_org                 TEXT    NOT NULL,
    month                         DATE    NOT NULL,
    referrals                     INTEGER NOT NULL,
    accepted                      INTEGER NOT NULL,
    declined                      INTEGER NOT NULL,
    forwarded                     INTEGER NOT NULL,
    cancelled                     INTEGER NOT NULL,
    booked                        INTEGER NOT NULL,
    seen                          INTEGER NOT NULL,
    outcomes                      INTEGER NOT NULL,
    acknowledged                  INTEGER NOT NULL,
    sla_met                       INTEGER NOT NULL,
    sla_missed                    INTEGER NOT NULL,
    no_shows                      INTEGER NOT NULL,
    reschedules                   INTEGER NOT NULL,
    held                          INTEGER NOT NULL,
    hold_seconds                  BIGINT  NOT NULL,
    triage_hist                   JSONB   NOT NULL,
    booked_hist                   JSONB   NOT NULL,
    seen_hist                     JSONB   NOT NULL,
    outcome_hist                  JSONB   NOT NULL,
    acknowledge_hist              JSONB   NOT NULL,
    closed_hist                   JSONB   NOT NULL,
    visits_cancelled              INTEGER NOT NULL,
    visits_cancelled_by_sender    INTEGER NOT NULL,
    visits_cancelled_by_recipient INTEGER NOT NULL,
    leaked                        INTEGER NOT NULL,
    declined_by_category          JSONB   NOT NULL,
    forwarded_by_category         JSONB   NOT NULL,
    slot_hist                     JSONB   NOT NULL,
    PRIMARY KEY (sender_org, recipient_org, month)
);
CREATE INDEX analytics_pair_month_recipient ON analytics_pair_month (recipient_org, sender_org, month);
CREATE INDEX analytics_pair_month_month ON analytics_pair_month (month);

-- The soonest-seen ranking asks for one service (its code or name, in any case) across the network: without this it
-- read every month row of the period.
CREATE INDEX analytics_month_service ON analytics_month (lower(service), month);

-- The month rows already there, rolled up (counts summed; each histogram and tally summed bucket by bucket).
INSERT INTO analytics_pair_month
SELECT c.sender_org, c.recipient_org, c.month, c.referrals, c.accepted, c.declined, c.forwarded, c.cancelled,
       c.booked, c.seen, c.outcomes, c.acknowledged, c.sla_met, c.sla_missed, c.no_shows, c.reschedules, c.held,
       c.hold_seconds,
       coalesce(o.docs -> 'triage_hist', '{}'), coalesce(o.docs -> 'booked_hist', '{}'),
       coalesce(o.docs -> 'seen_hist', '{}'), coalesce(o.docs -> 'outcome_hist', '{}'),
       coalesce(o.docs -> 'acknowledge_hist', '{}'), coalesce(o.docs -> 'closed_hist', '{}'),
       c.visits_cancelled, c.visits_cancelled_by_sender, c.visits_cancelled_by_recipient, c.leaked,
       coalesce(o.docs -> 'declined_by_category', '{}'), coalesce(o.docs -> 'forwarded_by_category', '{}'),
       coalesce(o.docs -> 'slot_hist', '{}')
FROM (SELECT sender_org, recipient_org, month, sum(referrals) AS referrals, sum(accepted) AS accepted,
             sum(declined) AS declined, sum(forwarded) AS forwarded, sum(cancelled) AS cancelled,
             sum(booked) AS booked, sum(seen) AS seen, sum(outcomes) AS outcomes, sum(acknowledged) AS acknowledged,
             sum(sla_met) AS sla_met, sum(sla_missed) AS sla_missed, sum(no_shows) AS no_shows,
             sum(reschedules) AS reschedules, sum(held) AS held, sum(hold_seconds) AS hold_seconds,
             sum(visits_cancelled) AS visits_cancelled, sum(visits_cancelled_by_sender) AS visits_cancelled_by_sender,
             sum(visits_cancelled_by_recipient) AS visits_cancelled_by_recipient, sum(leaked) AS leaked
      FROM analytics_month GROUP BY sender_org, recipient_org, month) c
LEFT JOIN (SELECT sender_org, recipient_org, month, jsonb_object_agg(doc, sums) AS docs
           FROM (SELECT sender_org, recipient_org, month, doc, jsonb_object_agg(key, n) AS sums
                 FROM (SELECT m.sender_org, m.recipient_org, m.month, v.doc, e.key, sum(e.value::bigint) AS n
                       FROM analytics_month m
                       CROSS JOIN LATERAL (VALUES ('triage_hist', m.triage_hist), ('booked_hist', m.booked_hist),
                           ('seen_hist', m.seen_hist), ('outcome_hist', m.outcome_hist),
                           ('acknowledge_hist', m.acknowledge_hist), ('closed_hist', m.closed_hist),
                           ('slot_hist', m.slot_hist), ('declined_by_category', m.declined_by_category),
                           ('forwarded_by_category', m.forwarded_by_category)) v(doc, body)
                       CROSS JOIN LATERAL jsonb_each_text(v.body) e
                       GROUP BY m.sender_org, m.recipient_org, m.month, v.doc, e.key
                       HAVING sum(e.value::bigint) <> 0) buckets
                 GROUP BY sender_org, recipient_org, month, doc) documents
           GROUP BY sender_org, recipient_org, month) o
    USING (sender_org, recipient_org, month);

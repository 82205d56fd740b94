-- Partnership analytics, second increment (issue 20, docs/ANALYTICS.md): declines and forwards by reason category,
-- visit cancellations by who asked, leakage, and the earliest offered slot. Still no clinical text and nothing that
-- names a patient: resend_key is a one-way hash of the pseudonymous patient id and the service, only there to find a
-- re-sent referral.
ALTER TABLE analytics_referral
    ADD COLUMN decline_category              TEXT,
    ADD COLUMN forward_categories            JSONB   NOT NULL DEFAULT '{}',
    ADD COLUMN visits_cancelled              INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN visits_cancelled_by_sender    INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN visits_cancelled_by_recipient INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN resend_key                    TEXT,
    ADD COLUMN resent_at                     TIMESTAMPTZ,
    ADD COLUMN first_slot_at                 TIMESTAMPTZ;
CREATE INDEX analytics_referral_resend ON analytics_referral (resend_key) WHERE resend_key IS NOT NULL;

ALTER TABLE analytics_month
    ADD COLUMN visits_cancelled              INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN visits_cancelled_by_sender    INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN visits_cancelled_by_recipient INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN leaked                        INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN declined_by_category          JSONB   NOT NULL DEFAULT '{}',
    ADD COLUMN forwarded_by_category         JSONB   NOT NULL DEFAULT '{}',
    ADD COLUMN slot_hist                     JSONB   NOT NULL DEFAULT '{}';

-- Rows written before this migration have the new columns empty: rebuild the analytics group
-- (docs/OPERATIONS.md, "Rebuilding read models from the log") to fill them from the log.

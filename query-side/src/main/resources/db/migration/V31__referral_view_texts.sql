-- The referral view shows what the receiving clinic wrote back (issue 15): the consult report, the interim notes
-- in the order they were sent, and why the referral was declined. Clinical text, erased with the patient like the
-- reason and the open question. Existing rows get the texts when the read model is rebuilt from the log.
ALTER TABLE referral_view
    ADD COLUMN consult_report TEXT,
    ADD COLUMN interim_notes TEXT[] NOT NULL DEFAULT '{}',
    ADD COLUMN decline_reason TEXT;

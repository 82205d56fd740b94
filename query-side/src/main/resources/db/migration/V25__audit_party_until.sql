-- Consent follows the care relationship (docs/CONSENT.md): an organisation whose part in an aggregate ended (a
-- recipient that forwarded a referral on, a record recipient whose access was revoked) sees the aggregate's audit
-- entries up to that event only. Null: still a party.
ALTER TABLE audit_party ADD COLUMN until_global_index BIGINT;

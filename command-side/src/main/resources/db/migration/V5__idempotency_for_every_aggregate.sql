-- Idempotency-Key now covers shared records and appointments too, not only referrals.
ALTER TABLE idempotency_key RENAME COLUMN referral_id TO aggregate_id;

-- An Idempotency-Key belongs to the caller that used it: its organisation and its client and user. Another
-- caller's request with the same key is its own request and is never served the first caller's stored answer.
-- Keys stored before this have no caller and so match no one: a retry across the upgrade is processed anew.
ALTER TABLE idempotency_key ADD COLUMN caller TEXT NOT NULL DEFAULT '';
ALTER TABLE idempotency_key DROP CONSTRAINT idempotency_key_pkey;
ALTER TABLE idempotency_key ADD PRIMARY KEY (organisation, caller, idempotency_key);

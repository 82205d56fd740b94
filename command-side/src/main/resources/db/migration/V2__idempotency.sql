-- The first answer to each write sent with an Idempotency-Key, per organisation. The key row is
-- written in the same transaction as the command's events, so a retry either finds both or neither.
CREATE TABLE idempotency_key (
    organisation    VARCHAR(64)  NOT NULL,
    idempotency_key VARCHAR(255) NOT NULL,
    fingerprint     VARCHAR(64)  NOT NULL,
    status          INTEGER,
    referral_id     VARCHAR(64),
    version         BIGINT,
    body            TEXT,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation, idempotency_key)
);

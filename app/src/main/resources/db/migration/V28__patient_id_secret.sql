-- Keyed patient ids (issue 13, item 7): the platform patient id is HMAC-SHA256 of the identifier under a platform
-- secret (PatientIds), so it cannot be computed from an MRN. One secret per name ('patient-id'), the same on every
-- node: the first node to start inserts it (ON CONFLICT DO NOTHING) and every node reads back the one that won.
-- material is wrapped with careloop.privacy.master-key when one is configured, and NULL when the operator keeps the
-- secret outside the database (careloop.privacy.patient-id-secret). fingerprint (HMAC of the name under the secret,
-- hex) says which secret is in use without revealing it: a node started with another secret refuses to start
-- rather than give the same patient a second id.
CREATE TABLE platform_secret (
    name        TEXT        NOT NULL PRIMARY KEY,
    material    BYTEA,
    wrapped     BOOLEAN     NOT NULL,
    fingerprint TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (material IS NOT NULL OR NOT wrapped)
);

-- Crypto-shredding (issue 5): each patient's identity (identifier, name, birth date) is sealed in the log with
-- the patient's own AES-256-GCM key. Erasing the patient destroys the key: the sealed fields can no longer be
-- read, and no stored byte of the log changes, so its hash chain still verifies. Key material is wrapped with
-- careloop.privacy.master-key when one is configured, and never logged.
CREATE TABLE patient_key (
    patient_id   VARCHAR(64) NOT NULL PRIMARY KEY, -- the platform's pseudonymous id (Patient.patientId)
    key_material BYTEA,                            -- NULL once erased
    wrapped      BOOLEAN     NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    erased_at    TIMESTAMPTZ,
    CHECK ((key_material IS NULL) = (erased_at IS NOT NULL))
);

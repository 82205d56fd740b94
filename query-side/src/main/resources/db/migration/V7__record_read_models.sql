-- Read models of shared records, owned by the "records" processing group (RecordProjection).
-- record_view.last_sequence is the last event of the record applied to its rows, so a redelivered event
-- changes nothing; record_view.version is the record's revision (ETag): shares, amendments, revocations
-- and expiry count, disclosures do not.

CREATE TABLE record_view (
    record_id                  VARCHAR(64)  NOT NULL PRIMARY KEY,
    referral_id                VARCHAR(64),
    author_org                 VARCHAR(64)  NOT NULL,
    patient_id                 VARCHAR(64)  NOT NULL,
    patient_identifier_system  VARCHAR(255) NOT NULL,
    patient_identifier_value   VARCHAR(128) NOT NULL,
    patient_name               VARCHAR(255) NOT NULL,
    patient_birth_date         DATE,
    document_type_code         VARCHAR(32)  NOT NULL,
    document_type_display      VARCHAR(255) NOT NULL,
    title                      VARCHAR(255) NOT NULL,
    description                TEXT,
    purpose                    VARCHAR(32)  NOT NULL,
    valid_until                TIMESTAMPTZ  NOT NULL,
    current_version            INTEGER      NOT NULL,
    content_sha256             CHAR(64)     NOT NULL,
    content_size               BIGINT       NOT NULL,
    content_media_type         VARCHAR(255) NOT NULL,
    created_at                 TIMESTAMPTZ  NOT NULL,
    updated_at                 TIMESTAMPTZ  NOT NULL,
    version                    BIGINT       NOT NULL,
    last_sequence              BIGINT       NOT NULL
);
CREATE INDEX record_view_author ON record_view (author_org, updated_at DESC);
CREATE INDEX record_view_patient ON record_view (patient_id);
CREATE INDEX record_view_referral ON record_view (referral_id);

-- One row per recipient organisation: its consent to read the record.
CREATE TABLE record_grant (
    record_id     VARCHAR(64)  NOT NULL REFERENCES record_view (record_id) ON DELETE CASCADE,
    organisation  VARCHAR(64)  NOT NULL,
    purpose       VARCHAR(32)  NOT NULL,
    valid_until   TIMESTAMPTZ  NOT NULL,
    granted_at    TIMESTAMPTZ  NOT NULL,
    revoked_at    TIMESTAMPTZ,
    revoke_reason TEXT,
    expired_at    TIMESTAMPTZ,
    PRIMARY KEY (record_id, organisation)
);
CREATE INDEX record_grant_recipient ON record_grant (organisation, record_id);

-- Every version of the document; none is ever removed.
CREATE TABLE record_version (
    record_id      VARCHAR(64)  NOT NULL REFERENCES record_view (record_id) ON DELETE CASCADE,
    version        INTEGER      NOT NULL,
    content_sha256 CHAR(64)     NOT NULL,
    content_size   BIGINT       NOT NULL,
    media_type     VARCHAR(255) NOT NULL,
    title          VARCHAR(255) NOT NULL,
    reason         TEXT,
    created_at     TIMESTAMPTZ  NOT NULL,
    created_by     VARCHAR(255),
    PRIMARY KEY (record_id, version)
);

-- The accounting of disclosures: who read which version, for which organisation, why and when.
CREATE TABLE record_disclosure (
    event_id       VARCHAR(64)  NOT NULL PRIMARY KEY,
    record_id      VARCHAR(64)  NOT NULL REFERENCES record_view (record_id) ON DELETE CASCADE,
    sequence_number BIGINT      NOT NULL,
    organisation   VARCHAR(64)  NOT NULL,
    user_id        VARCHAR(255),
    roles          VARCHAR(255),
    client         VARCHAR(255),
    purpose_of_use VARCHAR(32),
    version        INTEGER      NOT NULL,
    content_sha256 CHAR(64)     NOT NULL,
    disclosed_at   TIMESTAMPTZ  NOT NULL,
    correlation_id VARCHAR(128)
);
CREATE INDEX record_disclosure_record ON record_disclosure (record_id, sequence_number);

-- The referral view lists the records attached to the referral.
ALTER TABLE referral_view ADD COLUMN record_ids TEXT[] NOT NULL DEFAULT '{}';

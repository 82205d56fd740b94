-- The bytes of shared records, stored once per content (content-addressed by SHA-256); events carry only
-- the hash, size and media type. Rows are never changed: a new version of a record is new content.
CREATE TABLE record_content (
    sha256     CHAR(64)     NOT NULL PRIMARY KEY,
    media_type VARCHAR(255) NOT NULL,
    size       BIGINT       NOT NULL,
    content    BYTEA        NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CHECK (size = octet_length(content))
);
-- Out of line and uncompressed: documents and images are compressed already, and downloads read the
-- content in slices (substring), which PostgreSQL then fetches without decompressing the whole value.
ALTER TABLE record_content ALTER COLUMN content SET STORAGE EXTERNAL;

-- Which organisation uploaded which content: only they may name that hash in a share or amendment.
CREATE TABLE record_content_upload (
    sha256       CHAR(64)    NOT NULL REFERENCES record_content (sha256),
    organisation VARCHAR(64) NOT NULL,
    uploaded_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (sha256, organisation)
);

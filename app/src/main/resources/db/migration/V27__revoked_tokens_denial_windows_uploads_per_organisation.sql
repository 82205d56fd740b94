-- Revoked access tokens (RFC 7009 /oauth2/revoke of the local issuer, or any issuer's jti put here): every node's
-- resource server refuses a token whose jti is listed, until the token would have expired anyway.
CREATE TABLE revoked_token (
    jti        TEXT        NOT NULL PRIMARY KEY,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX revoked_token_expiry ON revoked_token (expires_at);

-- Refused reads of a record's content (RefusedReads): the first refusal of an actor + record + reason in a window is
-- appended as RecordAccessDenied, the repeats are counted here (refused: every refusal since the first; window_key:
-- a SHA-256 of the four, so an id of any length fits). record_access_denial_cap caps an organisation's appended
-- denials per window and counts those it held back (suppressed).
CREATE TABLE record_access_denial_window (
    window_key   CHAR(64)    NOT NULL PRIMARY KEY,
    organisation TEXT        NOT NULL,
    actor        TEXT,
    record_id    TEXT        NOT NULL,
    reason       TEXT        NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    refused      BIGINT      NOT NULL,
    recorded     BOOLEAN     NOT NULL
);
CREATE TABLE record_access_denial_cap (
    organisation TEXT        NOT NULL PRIMARY KEY,
    window_start TIMESTAMPTZ NOT NULL,
    recorded     INTEGER     NOT NULL,
    suppressed   BIGINT      NOT NULL
);

-- Content is stored once, but each organisation's upload is its own: the media type it uploaded the bytes as.
-- Existing uploads keep the type the content was first stored with.
ALTER TABLE record_content_upload ADD COLUMN media_type VARCHAR(255);
UPDATE record_content_upload u SET media_type = c.media_type FROM record_content c WHERE c.sha256 = u.sha256;
ALTER TABLE record_content_upload ALTER COLUMN media_type SET NOT NULL;

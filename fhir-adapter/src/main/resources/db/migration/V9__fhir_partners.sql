-- Partner EHRs that receive FHIR R4 changes (DESIGN.md, "FHIR R4"). One Axon processing group per partner,
-- "fhir-partner-{id}", tracks the log in token_entry; what it could not deliver waits in dead_letter_entry.

CREATE TABLE fhir_partner (
    id                 VARCHAR(64)   NOT NULL PRIMARY KEY,
    organisation       VARCHAR(64)   NOT NULL,
    base_url           VARCHAR(2048) NOT NULL,
    -- transaction: a transaction Bundle of PUTs POSTed to base_url; rest-hook: Subscriptions Backport
    -- notifications (id-only) POSTed to base_url, for partners that pull.
    mode               VARCHAR(16)   NOT NULL CHECK (mode IN ('transaction', 'rest-hook')),
    resource_types     TEXT[]        NOT NULL,
    auth_type          VARCHAR(16)   NOT NULL CHECK (auth_type IN ('none', 'bearer', 'oauth2')),
    -- Outbound credentials: the partner's, not ours; never returned by the admin API.
    auth_token         TEXT,
    auth_token_url     VARCHAR(2048),
    auth_client_id     VARCHAR(255),
    auth_client_secret TEXT,
    auth_scope         VARCHAR(1024),
    active             BOOLEAN       NOT NULL DEFAULT TRUE,
    -- The head of the log when the partner was registered: it receives what changed after, never history.
    start_index        BIGINT        NOT NULL,
    -- Subscriptions Backport "events-since-subscription-start" for rest-hook partners.
    events_since_start BIGINT        NOT NULL DEFAULT 0,
    registered_at      TIMESTAMPTZ   NOT NULL DEFAULT now(),
    registered_by      VARCHAR(255),
    deactivated_at     TIMESTAMPTZ,
    last_success_at    TIMESTAMPTZ,
    last_error         VARCHAR(1024),
    last_error_at      TIMESTAMPTZ,
    CHECK (auth_type <> 'bearer' OR auth_token IS NOT NULL),
    CHECK (auth_type <> 'oauth2' OR (auth_token_url IS NOT NULL AND auth_client_id IS NOT NULL
                                     AND auth_client_secret IS NOT NULL))
);

-- The notification number each change got for a rest-hook partner, so that a retried notification
-- carries the same number as the first try.
CREATE TABLE fhir_partner_notification (
    partner_id   VARCHAR(64)  NOT NULL REFERENCES fhir_partner (id),
    aggregate_id VARCHAR(255) NOT NULL,
    version      BIGINT       NOT NULL,
    event_number BIGINT       NOT NULL,
    PRIMARY KEY (partner_id, aggregate_id, version)
);

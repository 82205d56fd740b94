-- FHIR Subscriptions (R4 Subscriptions Backport) that partner systems create themselves at /fhir/Subscription.
-- A Subscription is a rest-hook partner (fhir_partner, mode rest-hook): the same per-partner processor delivers
-- its notifications, with the same retries and dead letters. This table holds what only a Subscription has; an
-- administrator's rest-hook partner has no row here and reads as a Subscription of its organisation all the same.
CREATE TABLE fhir_subscription (
    partner_id       VARCHAR(64)   NOT NULL PRIMARY KEY REFERENCES fhir_partner (id),
    -- requested: waiting for the handshake; active: delivering; error: the handshake failed; off: stopped.
    -- fhir_partner.active is true exactly while this is active.
    status           VARCHAR(16)   NOT NULL CHECK (status IN ('requested', 'active', 'error', 'off')),
    topic            VARCHAR(2048) NOT NULL,
    -- The backport-filter-criteria as sent ("Task?"); the resource types they name are fhir_partner.resource_types.
    filter_criteria  TEXT[]        NOT NULL,
    payload_content  VARCHAR(16)   NOT NULL CHECK (payload_content IN ('empty', 'id-only', 'full-resource')),
    -- Seconds between heartbeats (backport-heartbeat-period); none without it.
    heartbeat_period INTEGER       CHECK (heartbeat_period > 0),
    reason           VARCHAR(1024) NOT NULL,
    end_at           TIMESTAMPTZ,
    error            VARCHAR(1024),
    version          BIGINT        NOT NULL DEFAULT 1,
    last_updated     TIMESTAMPTZ   NOT NULL DEFAULT now(),
    created_by       VARCHAR(255),
    -- When a handshake was last started: one node sends it, and a crashed one's is tried again later.
    handshake_at     TIMESTAMPTZ,
    deleted          BOOLEAN       NOT NULL DEFAULT FALSE
);

-- What each event notification was about, so that $events can give it again by number.
ALTER TABLE fhir_partner_notification ADD COLUMN focus TEXT[] NOT NULL DEFAULT '{}';
ALTER TABLE fhir_partner_notification ADD COLUMN recorded TIMESTAMPTZ;
CREATE UNIQUE INDEX fhir_partner_notification_number ON fhir_partner_notification (partner_id, event_number);

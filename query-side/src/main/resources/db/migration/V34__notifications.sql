-- Notifications (issue 16): what a person should look at, derived from the log by the "notifications" group.
-- A row is for a whole organisation (person null) or for one person of it (an assignment). Its id is derived from
-- the event and the recipient, so a rebuild writes the same ids and a person's read marks still apply. tx is the
-- writing transaction: the live stream reads rows in (tx, id) order, and only those no earlier transaction can still
-- add before (NotificationStream).
CREATE TABLE notification (
    id           TEXT        PRIMARY KEY,
    tx           XID8        NOT NULL DEFAULT pg_current_xact_id(),
    event_id     TEXT        NOT NULL,
    referral_id  TEXT        NOT NULL,
    organisation TEXT        NOT NULL,
    person       TEXT,
    actor        TEXT,
    kind         TEXT        NOT NULL,
    title        TEXT        NOT NULL,
    text         TEXT        NOT NULL,
    at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX notification_organisation_at ON notification (organisation, at DESC, id DESC);
CREATE INDEX notification_person_at ON notification (person, at DESC, id DESC) WHERE person IS NOT NULL;
CREATE INDEX notification_tx ON notification (tx, id);
CREATE INDEX notification_event ON notification (event_id);

-- What the notifications group knows of each referral: its number and service (the words of a notification; never
-- the patient) and its parties now; version is the referral's last event applied (its sequence number).
CREATE TABLE notification_referral (
    referral_id     TEXT   PRIMARY KEY,
    referral_number TEXT,
    service         TEXT,
    initiator_org   TEXT   NOT NULL,
    recipient_org   TEXT   NOT NULL,
    version         BIGINT NOT NULL
);

-- Which person has read which notification. Not derived from the log: a rebuild of the group leaves it alone.
CREATE TABLE notification_read (
    notification_id TEXT        NOT NULL,
    person          TEXT        NOT NULL,
    read_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (person, notification_id)
);

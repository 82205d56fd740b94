-- Read models of the query side, owned by ReferralProjection (processing group "referrals").
-- Every row carries the version (event count) it reflects, so a redelivered event changes nothing.

CREATE TABLE referral_view (
    referral_id                VARCHAR(64)  NOT NULL PRIMARY KEY,
    referral_number            VARCHAR(128) NOT NULL,
    identifier_system          VARCHAR(255) NOT NULL,
    initiator_org              VARCHAR(64)  NOT NULL,
    recipient_org              VARCHAR(64)  NOT NULL,
    participants               TEXT[]       NOT NULL,
    patient_id                 VARCHAR(64)  NOT NULL,
    patient_identifier_system  VARCHAR(255) NOT NULL,
    patient_identifier_value   VARCHAR(128) NOT NULL,
    patient_name               VARCHAR(255) NOT NULL,
    patient_birth_date         DATE,
    priority                   VARCHAR(16)  NOT NULL,
    priority_rank              SMALLINT     NOT NULL,
    service                    TEXT         NOT NULL,
    reason                     TEXT         NOT NULL,
    status                     VARCHAR(32)  NOT NULL,
    loop_closed                BOOLEAN      NOT NULL DEFAULT FALSE,
    appointment_start          TIMESTAMPTZ,
    appointment_end            TIMESTAMPTZ,
    appointment_location       VARCHAR(255),
    open_question              TEXT,
    sla_due_at                 TIMESTAMPTZ,
    overdue                    BOOLEAN      NOT NULL DEFAULT FALSE,
    based_on_referral_id       VARCHAR(64),
    created_at                 TIMESTAMPTZ  NOT NULL,
    updated_at                 TIMESTAMPTZ  NOT NULL,
    version                    BIGINT       NOT NULL
);
CREATE INDEX referral_view_inbox ON referral_view (recipient_org, updated_at DESC);
CREATE INDEX referral_view_outbox ON referral_view (initiator_org, updated_at DESC);
CREATE INDEX referral_view_participants ON referral_view USING GIN (participants);
CREATE INDEX referral_view_patient ON referral_view (patient_id);

CREATE TABLE referral_timeline (
    event_id        VARCHAR(64)  NOT NULL PRIMARY KEY,
    referral_id     VARCHAR(64)  NOT NULL,
    sequence_number BIGINT       NOT NULL,
    event_type      VARCHAR(64)  NOT NULL,
    status          VARCHAR(32)  NOT NULL,
    occurred_at     TIMESTAMPTZ  NOT NULL,
    actor_user      VARCHAR(255),
    actor_org       VARCHAR(64),
    actor_roles     VARCHAR(255),
    client          VARCHAR(255),
    purpose_of_use  VARCHAR(32),
    correlation_id  VARCHAR(128),
    causation_id    VARCHAR(128),
    details         JSONB        NOT NULL,
    UNIQUE (referral_id, sequence_number)
);

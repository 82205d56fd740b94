-- The audit trail of the query side, owned by AuditProjection (processing group "audit"): one row per event of
-- the log (every referral, shared-record and appointment event, access denials and reads of the trail itself),
-- with who acted, for which organisation, on whose behalf (client), why (purpose of use) and in which request.
-- Keyed by the event's id, so a redelivered event adds nothing.

CREATE TABLE audit_entry (
    event_id        VARCHAR(255) NOT NULL PRIMARY KEY,
    global_index    BIGINT       NOT NULL,
    occurred_at     TIMESTAMPTZ  NOT NULL,
    event_type      VARCHAR(64)  NOT NULL,
    -- referral | record | appointment | audit
    aggregate_type  VARCHAR(16)  NOT NULL,
    -- The aggregate the event is about (for a plain event such as an access denial: the record it names).
    aggregate_id    VARCHAR(255) NOT NULL,
    -- Null for events that are not the aggregate's own (denials, reads of the trail).
    sequence_number BIGINT,
    referral_id     VARCHAR(64),
    record_id       VARCHAR(64),
    appointment_id  VARCHAR(64),
    patient_id      VARCHAR(64),
    actor_user      VARCHAR(255),
    actor_org       VARCHAR(64),
    actor_roles     VARCHAR(255),
    client          VARCHAR(255),
    purpose_of_use  VARCHAR(32),
    correlation_id  VARCHAR(128),
    causation_id    VARCHAR(128),
    description     TEXT         NOT NULL,
    -- The event's payload without the patient's demographics (those stay in the log and the views).
    details         JSONB        NOT NULL
);
-- Every filter of GET /api/audit with the time it is sorted and windowed by.
CREATE UNIQUE INDEX audit_entry_global_index ON audit_entry (global_index);
CREATE INDEX audit_entry_time ON audit_entry (occurred_at, global_index);
CREATE INDEX audit_entry_type ON audit_entry (event_type, occurred_at);
CREATE INDEX audit_entry_aggregate ON audit_entry (aggregate_type, aggregate_id, occurred_at);
CREATE INDEX audit_entry_referral ON audit_entry (referral_id, occurred_at) WHERE referral_id IS NOT NULL;
CREATE INDEX audit_entry_record ON audit_entry (record_id, occurred_at) WHERE record_id IS NOT NULL;
CREATE INDEX audit_entry_appointment ON audit_entry (appointment_id, occurred_at) WHERE appointment_id IS NOT NULL;
CREATE INDEX audit_entry_patient ON audit_entry (patient_id, occurred_at) WHERE patient_id IS NOT NULL;
CREATE INDEX audit_entry_user ON audit_entry (actor_user, occurred_at);
CREATE INDEX audit_entry_org ON audit_entry (actor_org, occurred_at);
CREATE INDEX audit_entry_client ON audit_entry (client, occurred_at);
CREATE INDEX audit_entry_purpose ON audit_entry (purpose_of_use, occurred_at);
CREATE INDEX audit_entry_correlation ON audit_entry (correlation_id);

-- What the trail knows about each aggregate from its first event: the patient, the referral it serves and a
-- label for descriptions (the referral number, the record's title), for the events that do not carry them.
CREATE TABLE audit_subject (
    aggregate_id   VARCHAR(255) NOT NULL PRIMARY KEY,
    aggregate_type VARCHAR(16)  NOT NULL,
    label          VARCHAR(255),
    patient_id     VARCHAR(64),
    referral_id    VARCHAR(64)
);

-- Every organisation that is or was party to an aggregate (referral initiator and recipients, record author and
-- recipients, appointment participants): its compliance officers see the aggregate's whole trail.
CREATE TABLE audit_party (
    aggregate_id VARCHAR(255) NOT NULL,
    organisation VARCHAR(64)  NOT NULL,
    PRIMARY KEY (aggregate_id, organisation)
);
CREATE INDEX audit_party_organisation ON audit_party (organisation, aggregate_id);

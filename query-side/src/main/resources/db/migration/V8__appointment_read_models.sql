-- Appointment read models of the query side, owned by AppointmentViewProjection and
-- AppointmentHistoryProjection (processing group "appointments"), and the referral's link to its appointment.
-- Every view row carries the version (event count) it reflects, so a redelivered event changes nothing.

-- The appointment a referral's visit is booked as (VisitScheduled / VisitRescheduled); cleared on VisitCancelled.
ALTER TABLE referral_view ADD COLUMN appointment_id VARCHAR(64);

CREATE TABLE appointment_view (
    appointment_id             VARCHAR(64)  NOT NULL PRIMARY KEY,
    referral_id                VARCHAR(64),
    -- Nullable: the patient is copied from the event, and a projection must not refuse an event.
    patient_id                 VARCHAR(64),
    patient_identifier_system  VARCHAR(255),
    patient_identifier_value   VARCHAR(128),
    patient_name               VARCHAR(255),
    patient_birth_date         DATE,
    performer                  VARCHAR(64)  NOT NULL,
    participants               TEXT[]       NOT NULL,
    status                     VARCHAR(16)  NOT NULL,
    slot_start                 TIMESTAMPTZ,
    slot_end                   TIMESTAMPTZ,
    proposed_slots             JSONB        NOT NULL DEFAULT '[]',
    -- The booked start, or the earliest proposed one: what the list sorts and filters by.
    starts_at                  TIMESTAMPTZ,
    location                   VARCHAR(255),
    description                TEXT,
    cancellation_reason        TEXT,
    reminder_sent              BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at                 TIMESTAMPTZ  NOT NULL,
    updated_at                 TIMESTAMPTZ  NOT NULL,
    version                    BIGINT       NOT NULL
);
CREATE INDEX appointment_view_participants ON appointment_view USING GIN (participants);
CREATE INDEX appointment_view_starts_at ON appointment_view (starts_at DESC);
CREATE INDEX appointment_view_patient ON appointment_view (patient_id);
CREATE INDEX appointment_view_referral ON appointment_view (referral_id);

CREATE TABLE appointment_history (
    event_id        VARCHAR(64)  NOT NULL PRIMARY KEY,
    appointment_id  VARCHAR(64)  NOT NULL,
    sequence_number BIGINT       NOT NULL,
    event_type      VARCHAR(64)  NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    occurred_at     TIMESTAMPTZ  NOT NULL,
    actor_user      VARCHAR(255),
    actor_org       VARCHAR(64),
    actor_roles     VARCHAR(255),
    client          VARCHAR(255),
    purpose_of_use  VARCHAR(32),
    correlation_id  VARCHAR(128),
    causation_id    VARCHAR(128),
    details         JSONB        NOT NULL,
    UNIQUE (appointment_id, sequence_number)
);

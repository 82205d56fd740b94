-- Events a saga could not take. Axon 4 has no dead-letter queue for sagas, so CareLoop keeps its own
-- (SagaDeadLetters): a reference to the event in the log (its global index and id; the event itself is read
-- back from domain_event_entry on retry), the saga associations the sequence holds back, and the cleaned cause.
CREATE TABLE saga_dead_letter (
    id                   BIGSERIAL   PRIMARY KEY,
    processing_group     TEXT        NOT NULL,
    saga_type            TEXT        NOT NULL,
    -- The association of the sequence's first failed event ("appointmentId.<id>"): the admin API's sequence.
    sequence_identifier  TEXT        NOT NULL,
    -- Every association ("key=value") whose later events wait behind this sequence, in log order.
    associations         TEXT[]      NOT NULL,
    global_index         BIGINT      NOT NULL,
    event_identifier     TEXT        NOT NULL,
    event_type           TEXT        NOT NULL,
    aggregate_type       TEXT,
    aggregate_identifier TEXT,
    aggregate_sequence   BIGINT,
    cause_type           TEXT,
    cause_message        TEXT,
    enqueued_at          TIMESTAMPTZ NOT NULL,
    last_touched         TIMESTAMPTZ NOT NULL,
    CONSTRAINT saga_dead_letter_event UNIQUE (processing_group, event_identifier)
);
CREATE INDEX saga_dead_letter_sequence ON saga_dead_letter (processing_group, sequence_identifier, global_index);
CREATE INDEX saga_dead_letter_associations ON saga_dead_letter USING gin (associations);

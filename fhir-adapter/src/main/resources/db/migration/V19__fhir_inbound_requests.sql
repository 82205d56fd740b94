-- Referrals received through the FHIR facade, by the key the partner gave them (Bundle.identifier, Bundle.id,
-- or the Task's identifier), per partner organisation: the same Bundle sent twice creates one referral, and the
-- replay is answered like the first time. The fingerprint tells a replay from different content under a reused key.
CREATE TABLE fhir_inbound_request (
    organisation  VARCHAR(64)  NOT NULL,
    request_key   VARCHAR(512) NOT NULL,
    fingerprint   CHAR(64)     NOT NULL,
    referral_id   VARCHAR(64)  NOT NULL,
    client_id     VARCHAR(128),
    received_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation, request_key)
);

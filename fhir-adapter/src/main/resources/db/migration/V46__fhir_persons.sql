-- The persons who acted, as /fhir serves them (Practitioner, PractitionerRole): one row per person, organisation they
-- acted for and aggregate (referral, record, appointment) they acted on, from the Provenance of each change (event
-- metadata userId and userName). Kept by the fhir-index processing group with fhir_resource_index and rebuilt with it:
-- a person is visible to their own organisation and to every organisation that sees an aggregate they acted on.
CREATE TABLE fhir_person_act (
    practitioner_id  VARCHAR(64)  NOT NULL,
    role_id          VARCHAR(64)  NOT NULL,
    user_id          TEXT         NOT NULL,
    name             TEXT         NOT NULL,
    organisation     VARCHAR(64)  NOT NULL,
    aggregate_id     VARCHAR(64)  NOT NULL,
    last_acted_at    TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (practitioner_id, organisation, aggregate_id)
);

CREATE INDEX fhir_person_act_role ON fhir_person_act (role_id);

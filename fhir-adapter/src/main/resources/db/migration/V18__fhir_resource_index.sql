-- The FHIR facade's search index (fhir-adapter, processing group "fhir-index"): one row per resource served at
-- /fhir, with the values its search parameters match and the organisations that may see it. Search finds ids
-- here; the resources themselves are read from the event log.
CREATE TABLE fhir_resource_index (
    resource_type     VARCHAR(32)  NOT NULL,
    id                VARCHAR(128) NOT NULL,
    -- meta.versionId of the indexed version (the aggregate's version after the change that made it).
    version           BIGINT       NOT NULL,
    aggregate_type    VARCHAR(64)  NOT NULL,
    aggregate_id      VARCHAR(64)  NOT NULL,
    last_updated      TIMESTAMPTZ  NOT NULL,
    -- The platform patient id (Patient.platformId of the identifier's system and value).
    patient           VARCHAR(64),
    status            VARCHAR(32),
    -- Organisation ids: Task.owner / ServiceRequest.performer, and Task / ServiceRequest .requester.
    owner             VARCHAR(64),
    requester         VARCHAR(64),
    organisations     TEXT[]       NOT NULL,
    -- The aggregate version whose audience `organisations` is: a later change may narrow it (a revoked share).
    audience_version  BIGINT       NOT NULL,
    PRIMARY KEY (resource_type, id)
);

CREATE INDEX fhir_resource_index_organisations ON fhir_resource_index USING GIN (organisations);
CREATE INDEX fhir_resource_index_patient ON fhir_resource_index (resource_type, patient);
CREATE INDEX fhir_resource_index_updated ON fhir_resource_index (resource_type, last_updated DESC, id);
CREATE INDEX fhir_resource_index_aggregate ON fhir_resource_index (aggregate_id);

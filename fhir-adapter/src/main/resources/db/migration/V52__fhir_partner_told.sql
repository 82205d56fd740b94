-- What each partner EHR was told of: per aggregate (a referral, shared record or appointment), the last version
-- delivered and the patient it is about. A change a partner's organisation may no longer see still reaches a
-- partner that was told of the aggregate (a revoked recipient receives the inactive Consent, once: lost_access),
-- and a patient's erasure reaches every partner told of anything about them.
CREATE TABLE fhir_partner_told (
    partner_id   VARCHAR(64)  NOT NULL REFERENCES fhir_partner (id),
    aggregate_id VARCHAR(255) NOT NULL,
    version      BIGINT       NOT NULL,
    patient_id   VARCHAR(64),
    lost_access  BOOLEAN      NOT NULL DEFAULT FALSE,
    PRIMARY KEY (partner_id, aggregate_id)
);

CREATE INDEX fhir_partner_told_patient ON fhir_partner_told (partner_id, patient_id);

-- What partners were told before this table: every delivery is a DisclosedToPartner event in the log.
INSERT INTO fhir_partner_told (partner_id, aggregate_id, version, patient_id)
SELECT DISTINCT ON (d.partner_id, d.aggregate_id) d.partner_id, d.aggregate_id, d.version, d.patient_id
FROM (SELECT e.payload_json ->> 'partnerId' AS partner_id, e.payload_json ->> 'aggregateId' AS aggregate_id,
             (e.payload_json ->> 'version')::BIGINT AS version, e.payload_json ->> 'patientId' AS patient_id
      FROM (SELECT convert_from(payload, 'UTF8')::jsonb AS payload_json FROM domain_event_entry
            WHERE payload_type = 'dev.careloop.api.disclosure.DisclosedToPartner') e) d
JOIN fhir_partner p ON p.id = d.partner_id
WHERE d.aggregate_id IS NOT NULL AND d.version IS NOT NULL
ORDER BY d.partner_id, d.aggregate_id, d.version DESC;

-- The facade's search by identifier (each "system|value" of the resource's identifiers) and Task.focus
-- ("ServiceRequest/{id}"). Filled here for what the index already holds; the fhir-index group keeps them after.
ALTER TABLE fhir_resource_index ADD COLUMN identifiers TEXT[] NOT NULL DEFAULT '{}';
ALTER TABLE fhir_resource_index ADD COLUMN focus VARCHAR(200);
UPDATE fhir_resource_index SET focus = 'ServiceRequest/' || id WHERE resource_type = 'Task';
UPDATE fhir_resource_index i SET identifiers = ARRAY[(convert_from(e.payload, 'UTF8')::jsonb ->> 'identifierSystem')
        || '|' || (convert_from(e.payload, 'UTF8')::jsonb ->> 'referralNumber')]
FROM domain_event_entry e
WHERE i.resource_type = 'ServiceRequest' AND e.aggregate_identifier = i.aggregate_id AND e.sequence_number = 0
  AND e.payload_type = 'dev.careloop.api.referral.ReferralSent'
  AND convert_from(e.payload, 'UTF8')::jsonb ->> 'referralNumber' IS NOT NULL;
CREATE INDEX fhir_resource_index_identifiers ON fhir_resource_index USING GIN (identifiers);

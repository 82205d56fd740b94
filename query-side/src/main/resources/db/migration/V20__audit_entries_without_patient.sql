-- Whether entries of an aggregate went into audit_entry before its patient was known (a denial processed ahead of
-- the share, an appointment booked for nobody the trail knows yet): the first event of the aggregate that names the
-- patient then fills them in, and clears the mark. AuditProjection keeps it, so that it rewrites the trail only when
-- there is something to fill in, and a rebuild decides that exactly as the live projection did. A row may carry the
-- mark alone (no label, patient or referral): it tells nothing about the aggregate.
ALTER TABLE audit_subject ADD COLUMN entries_without_patient BOOLEAN NOT NULL DEFAULT FALSE;

-- The trail as it stands: mark the aggregates that have such entries now.
INSERT INTO audit_subject (aggregate_id, aggregate_type, entries_without_patient)
SELECT DISTINCT ON (aggregate_id) aggregate_id, aggregate_type, TRUE
FROM audit_entry
WHERE patient_id IS NULL AND aggregate_type IN ('referral', 'record', 'appointment')
ORDER BY aggregate_id, global_index
ON CONFLICT (aggregate_id) DO UPDATE SET entries_without_patient = TRUE;

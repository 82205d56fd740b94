-- Keyed patient ids (issue 13): events written before ids were keyed name patients by the unkeyed id (UUIDv3 of the
-- identifier); the migration appends PatientRekeyed to each of their referrals, records and appointments. Audit
-- entries keep the id their event named, so this table, kept by the audit projection from PatientRekeyed (and
-- written ahead by the migration itself, so an erasure never misses it), lets a search by either id find both.
CREATE TABLE patient_id_alias (
    old_patient_id TEXT NOT NULL PRIMARY KEY,
    new_patient_id TEXT NOT NULL
);
CREATE INDEX patient_id_alias_new ON patient_id_alias (new_patient_id);

-- Read models store what the log holds (issue 13): the log puts no length on an id, a name or a code, so neither do
-- the tables projected from it. A 7,000-character record id in an access denial no longer fails the audit entry
-- that records it (it failed, and with it the whole trail, against audit_entry.aggregate_id VARCHAR(255)).
-- Every VARCHAR(n) and CHAR(n) column of the read models, the audit trail and the FHIR search index becomes TEXT;
-- from VARCHAR that is a change of the catalogue only (no rewrite, indexes kept). Axon's own tables stay: their
-- lengths are those of the log, and the dead-letter cause is cut to fit before it is stored (DeadLetterCauses).
DO $$
DECLARE
    c RECORD;
BEGIN
    FOR c IN
        SELECT table_name, column_name
        FROM information_schema.columns
        WHERE table_schema = current_schema()
          AND data_type IN ('character varying', 'character')
          AND table_name IN ('referral_view', 'referral_timeline',
                             'record_view', 'record_grant', 'record_version', 'record_disclosure',
                             'appointment_view', 'appointment_history',
                             'audit_entry', 'audit_subject', 'audit_party',
                             'fhir_resource_index')
        ORDER BY table_name, ordinal_position
    LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I TYPE TEXT', c.table_name, c.column_name);
    END LOOP;
END
$$;

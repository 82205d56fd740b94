-- The audit search finds a refused read (which names no patient) under the patient of the referral, record or
-- appointment it named: refusals are few, so a small partial index on the aggregate id keeps a patient's search an
-- index scan (with access_entry_patient) rather than a scan of every read.
CREATE INDEX access_entry_refused_subject ON access_entry (split_part(resource_id, '/', 1)) WHERE NOT allowed;

-- The person who acted, by name ("Dr Priya Shah"), beside the subject in actor_user: the timeline and the audit
-- trail name the person when a person acted (event metadata userName), the client otherwise. Null for service
-- accounts, partner systems and CareLoop's own deadlines, and for every event written before persons logged in.
ALTER TABLE referral_timeline ADD COLUMN actor_name VARCHAR(255);
ALTER TABLE appointment_history ADD COLUMN actor_name VARCHAR(255);
ALTER TABLE audit_entry ADD COLUMN actor_name VARCHAR(255);

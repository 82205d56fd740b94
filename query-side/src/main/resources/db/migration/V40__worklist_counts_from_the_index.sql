-- The worklist's counts read every referral of a box: the inbox and outbox counts by status (with the overdue ones)
-- and the total of a filtered list. On referral_view's wide rows that was a scan of the whole table for each count
-- (issue 16's inbox page with 20,000 referrals: two such scans per page). These narrow indexes answer those counts
-- from the index alone (index-only scans once autovacuum has marked the pages all-visible).
CREATE INDEX referral_view_inbox_status ON referral_view (recipient_org, status, overdue);
CREATE INDEX referral_view_outbox_status ON referral_view (initiator_org, status, overdue);

-- PostgreSQL twin of migrations/0018_escalation_holder.sql
-- A claimed escalation can be taken over by another staff member. claimed_at stays the
-- first claim (claim SLA figures); held_since is when the current holder took it (claim or
-- take over), shown on the card; holds counts the claim and each take over, told_holds how
-- many of them the public thread was told about, so a replay after a failed post tells it
-- once, never twice (a count, not a time: two holds can share an instant).
ALTER TABLE escalations ADD COLUMN held_since TEXT;
ALTER TABLE escalations ADD COLUMN holds BIGINT NOT NULL DEFAULT 0;
ALTER TABLE escalations ADD COLUMN told_holds BIGINT NOT NULL DEFAULT 0;
UPDATE escalations SET held_since = claimed_at, holds = 1, told_holds = 1
WHERE claimed_at IS NOT NULL;

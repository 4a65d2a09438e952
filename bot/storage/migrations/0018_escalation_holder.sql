-- A claimed escalation can be taken over by another staff member. claimed_at stays the
-- first claim (claim SLA figures); held_since is when the current holder took it (claim or
-- take over), shown on the card; told_since is the held_since the public thread was told
-- about, so a replay after a failed post tells it once, never twice.
ALTER TABLE escalations ADD COLUMN held_since TEXT;
ALTER TABLE escalations ADD COLUMN told_since TEXT;
UPDATE escalations SET held_since = claimed_at, told_since = claimed_at
WHERE claimed_at IS NOT NULL;

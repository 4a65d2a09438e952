-- PostgreSQL twin of migrations/0016_escalation_outcomes.sql
-- Escalations close themselves: a question solved, closed as answered or deleted closes its
-- open or claimed escalation (status 'closed', with the outcome and who). The asker may ask
-- for staff (reason 'asker'). The card remembers where it went, what it said and which state
-- it shows, so it can be edited in place (outcome shown, buttons gone).
-- SQLite rebuilds the table to change its CHECKs; PostgreSQL replaces them in place and adds
-- the new columns at the end, in the rebuilt table's order. escalations_open stays as it is.
ALTER TABLE escalations DROP CONSTRAINT escalations_reason_check;
ALTER TABLE escalations ADD CONSTRAINT escalations_reason_check
    CHECK (reason IN ('sla', 'sensitive', 'asker'));
ALTER TABLE escalations DROP CONSTRAINT escalations_status_check;
ALTER TABLE escalations ADD CONSTRAINT escalations_status_check
    CHECK (status IN ('open', 'claimed', 'resolved', 'returned', 'closed'));

ALTER TABLE escalations ADD COLUMN policy TEXT;            -- escalate_when in force when the SLA sent it
ALTER TABLE escalations ADD COLUMN outcome TEXT
    CHECK (outcome IN ('solved', 'closed', 'deleted'));
ALTER TABLE escalations ADD COLUMN closed_by BIGINT REFERENCES members(id);  -- who solved, resolved, returned or deleted
ALTER TABLE escalations ADD COLUMN staff_channel TEXT;     -- where the card was posted (the setting may change)
ALTER TABLE escalations ADD COLUMN card_text TEXT;         -- the card as posted, kept to edit it in place
ALTER TABLE escalations ADD COLUMN card_status TEXT;       -- the status the card shows; edited when status differs

-- The rebuild's copy starts every card showing the escalation's status.
UPDATE escalations SET card_status = status;

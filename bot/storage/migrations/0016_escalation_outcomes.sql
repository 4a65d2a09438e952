-- Escalations close themselves: a question solved, closed as answered or deleted closes its
-- open or claimed escalation (status 'closed', with the outcome and who). The asker may ask
-- for staff (reason 'asker'). The card remembers where it went, what it said and which state
-- it shows, so it can be edited in place (outcome shown, buttons gone).
-- SQLite can't change a CHECK constraint: the table is rebuilt (nothing references it).
CREATE TABLE escalations_new (
    question_id      INTEGER PRIMARY KEY REFERENCES questions(id) ON DELETE CASCADE,
    community_id     INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    reason           TEXT NOT NULL CHECK (reason IN ('sla', 'sensitive', 'asker')),
    status           TEXT NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'claimed', 'resolved', 'returned', 'closed')),
    staff_message_id TEXT,
    notice_id        TEXT,             -- the public "staff has been alerted" line
    assignee         TEXT,             -- platform id of the staff member it is pushed to
    claimed_by       INTEGER REFERENCES members(id),
    created_at       TEXT NOT NULL,
    claimed_at       TEXT,             -- NULL unless staff claimed it (claim SLA figures)
    closed_at        TEXT,
    policy           TEXT,             -- escalate_when in force when the SLA sent it
    outcome          TEXT CHECK (outcome IN ('solved', 'closed', 'deleted')),
    closed_by        INTEGER REFERENCES members(id),  -- who solved, resolved, returned or deleted
    staff_channel    TEXT,             -- where the card was posted (the setting may change)
    card_text        TEXT,             -- the card as posted, kept to edit it in place
    card_status      TEXT              -- the status the card shows; edited when status differs
);
INSERT INTO escalations_new (question_id, community_id, reason, status, staff_message_id,
    notice_id, assignee, claimed_by, created_at, claimed_at, closed_at, card_status)
SELECT question_id, community_id, reason, status, staff_message_id, notice_id, assignee,
    claimed_by, created_at, claimed_at, closed_at, status FROM escalations;
DROP TABLE escalations;
ALTER TABLE escalations_new RENAME TO escalations;
CREATE INDEX escalations_open ON escalations (community_id, status, created_at);

-- Escalations to the private staff channel: one per question, with who holds it.
CREATE TABLE escalations (
    question_id      INTEGER PRIMARY KEY REFERENCES questions(id) ON DELETE CASCADE,
    community_id     INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    reason           TEXT NOT NULL CHECK (reason IN ('sla', 'sensitive')),
    status           TEXT NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'claimed', 'resolved', 'returned')),
    staff_message_id TEXT,
    notice_id        TEXT,             -- the public "staff has been alerted" line
    assignee         TEXT,             -- platform id of the staff member it is pushed to
    claimed_by       INTEGER REFERENCES members(id),
    created_at       TEXT NOT NULL,
    claimed_at       TEXT,
    closed_at        TEXT
);
CREATE INDEX escalations_open ON escalations (community_id, status, created_at);

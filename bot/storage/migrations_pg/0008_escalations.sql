-- PostgreSQL twin of migrations/0008_escalations.sql
-- Escalations to the private staff channel: one per question, with who holds it.
-- question_id is always the question's id: a plain key, no identity. The two CHECKs are
-- named (PostgreSQL's default names, written out) because 0016 replaces them.
CREATE TABLE escalations (
    question_id      BIGINT PRIMARY KEY REFERENCES questions(id) ON DELETE CASCADE,
    community_id     BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    reason           TEXT NOT NULL
                     CONSTRAINT escalations_reason_check CHECK (reason IN ('sla', 'sensitive')),
    status           TEXT NOT NULL DEFAULT 'open'
                     CONSTRAINT escalations_status_check
                     CHECK (status IN ('open', 'claimed', 'resolved', 'returned')),
    staff_message_id TEXT,
    notice_id        TEXT,             -- the public "staff has been alerted" line
    assignee         TEXT,             -- platform id of the staff member it is pushed to
    claimed_by       BIGINT REFERENCES members(id),
    created_at       TEXT NOT NULL,
    claimed_at       TEXT,
    closed_at        TEXT
);
CREATE INDEX escalations_open ON escalations (community_id, status, created_at);

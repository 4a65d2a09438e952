-- PostgreSQL twin of migrations/0007_bounties.sql
-- Bounties: reputation put on a question, held in escrow until an accepted answer earns it
-- or it expires (half back to the sponsor). Every step is also a ledger row.
-- question_id is always the question's id: a plain key, no identity.
CREATE TABLE bounties (
    question_id  BIGINT PRIMARY KEY REFERENCES questions(id) ON DELETE CASCADE,
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    sponsor_id   BIGINT REFERENCES members(id),
    amount       BIGINT NOT NULL,
    from_staff   INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'awarded', 'expired')),
    awarded_to   BIGINT REFERENCES members(id),
    created_at   TEXT NOT NULL,
    resolved_at  TEXT
);

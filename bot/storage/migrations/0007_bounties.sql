-- Bounties: reputation put on a question, held in escrow until an accepted answer earns it
-- or it expires (half back to the sponsor). Every step is also a ledger row.
CREATE TABLE bounties (
    question_id  INTEGER PRIMARY KEY REFERENCES questions(id) ON DELETE CASCADE,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    sponsor_id   INTEGER REFERENCES members(id),
    amount       INTEGER NOT NULL,
    from_staff   INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'awarded', 'expired')),
    awarded_to   INTEGER REFERENCES members(id),
    created_at   TEXT NOT NULL,
    resolved_at  TEXT
);

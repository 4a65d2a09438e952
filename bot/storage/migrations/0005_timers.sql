-- Durable timers: the database is the source of truth for what is due; APScheduler only
-- wakes the bot at the right moment. A timer is 'done' only after its action completed.
CREATE TABLE timers (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,               -- which handler runs it, e.g. 'nudge'
    key          TEXT NOT NULL,               -- what it is about, e.g. 'question:12'
    due_at       TEXT NOT NULL,
    payload_json TEXT NOT NULL DEFAULT '{}',
    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'done', 'cancelled', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    created_at   TEXT NOT NULL,
    finished_at  TEXT
);
-- One pending timer per thing and kind: scheduling again moves it instead of adding one.
CREATE UNIQUE INDEX timers_pending_once ON timers (community_id, kind, key)
    WHERE status = 'pending';
CREATE INDEX timers_due ON timers (status, due_at);
